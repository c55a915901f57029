using Chorus.Core;
using Chorus.Core.Messaging;
using Chorus.Simulation.Engine;

namespace Chorus.Simulation.Network;

/// <summary>
/// The network between nodes. Every message is encoded as production encodes it, then delayed by
/// its link's latency distribution, and possibly dropped, duplicated or held back (reordered).
/// Partitions (symmetric or one-way) drop everything on a cut link, including messages already in
/// flight when the cut happens.
/// </summary>
internal sealed class SimNetwork
{
    private readonly Scheduler _scheduler;
    private readonly SimRandom _random;
    private readonly TraceLog _trace;
    private readonly NetworkProfile _profile;
    private readonly Dictionary<NodeId, int> _index = [];
    private readonly bool[,] _cut;
    private LinkProfile? _flaky;

    public SimNetwork(Scheduler scheduler, SimRandom random, TraceLog trace, NetworkProfile profile, IReadOnlyList<NodeId> members)
    {
        _scheduler = scheduler;
        _random = random;
        _trace = trace;
        _profile = profile;
        Members = members;
        for (var i = 0; i < members.Count; i++)
        {
            _index[members[i]] = i;
        }
        _cut = new bool[members.Count, members.Count];
    }

    public IReadOnlyList<NodeId> Members { get; }

    /// <summary>Hands a message to its receiving node (set by the cluster).</summary>
    public Action<Envelope>? Deliver { get; set; }

    public long Sent { get; private set; }

    public long Dropped { get; private set; }

    public long Duplicated { get; private set; }

    public bool IsCut(NodeId from, NodeId to) => _cut[_index[from], _index[to]];

    public bool AnyCut()
    {
        foreach (var cut in _cut)
        {
            if (cut)
            {
                return true;
            }
        }
        return false;
    }

    public void Send(Envelope message)
    {
        Sent++;
        var from = message.From;
        var to = message.To;
        var link = Effective(_profile.For(from.Value, to.Value));
        if (IsCut(from, to) || _random.Chance(link.DropProbability))
        {
            Dropped++;
            Trace(from, () => $"-> {to} {MessageText.Describe(message)} #{MessageText.Fingerprint(message.Bytes.Span)} dropped ({(IsCut(from, to) ? "partition" : "loss")})");
            return;
        }
        var copies = _random.Chance(link.DuplicateProbability) ? 2 : 1;
        Duplicated += copies - 1;
        for (var copy = 0; copy < copies; copy++)
        {
            var delayUs = link.Latency.Sample(_random);
            if (_random.Chance(link.ReorderProbability))
            {
                delayUs += _random.Between(0, link.Latency.TypicalUs * LinkProfile.ReorderDelayFactor);
            }
            Trace(from, () => $"-> {to} {MessageText.Describe(message)} #{MessageText.Fingerprint(message.Bytes.Span)} in {TraceLog.FormatTime(delayUs).Trim()}ms{(copy > 0 ? " (duplicate)" : "")}");
            _scheduler.After(delayUs, () => Arrive(message));
        }
    }

    /// <summary>
    /// Carries a request/answer of a unary call between nodes (a forwarded write): the link's
    /// latency, loss and partitions apply as to peer messages; it is never duplicated (a call
    /// runs once). <paramref name="arrive"/> runs on arrival; a lost one simply never arrives.
    /// </summary>
    public void Carry(NodeId from, NodeId to, string what, Action arrive)
    {
        Sent++;
        var link = Effective(_profile.For(from.Value, to.Value));
        if (IsCut(from, to) || _random.Chance(link.DropProbability))
        {
            Dropped++;
            Trace(from, () => $"-> {to} {what} dropped ({(IsCut(from, to) ? "partition" : "loss")})");
            return;
        }
        var delayUs = link.Latency.Sample(_random);
        Trace(from, () => $"-> {to} {what} in {TraceLog.FormatTime(delayUs).Trim()}ms");
        _scheduler.After(delayUs, () =>
        {
            if (IsCut(from, to))
            {
                Dropped++;
                Trace(to, () => $"<- {from} {what} lost in flight (partition)");
                return;
            }
            arrive();
        });
    }

    /// <summary>Cuts every link between different groups, both ways; returns the links newly cut.</summary>
    public List<(NodeId From, NodeId To)> Partition(IReadOnlyList<IReadOnlyList<NodeId>> groups)
    {
        var newlyCut = new List<(NodeId, NodeId)>();
        for (var g = 0; g < groups.Count; g++)
        {
            for (var h = 0; h < groups.Count; h++)
            {
                if (g == h)
                {
                    continue;
                }
                foreach (var from in groups[g])
                {
                    foreach (var to in groups[h])
                    {
                        if (Cut(from, to))
                        {
                            newlyCut.Add((from, to));
                        }
                    }
                }
            }
        }
        return newlyCut;
    }

    /// <summary>Cuts one direction of one link; false if it was already cut.</summary>
    public bool Cut(NodeId from, NodeId to)
    {
        ref var cut = ref _cut[_index[from], _index[to]];
        var changed = !cut && from != to;
        cut |= from != to;
        return changed;
    }

    /// <summary>Restores every link; returns those that were cut, in a fixed order.</summary>
    public List<(NodeId From, NodeId To)> Heal()
    {
        var healed = new List<(NodeId, NodeId)>();
        for (var i = 0; i < Members.Count; i++)
        {
            for (var j = 0; j < Members.Count; j++)
            {
                if (_cut[i, j])
                {
                    _cut[i, j] = false;
                    healed.Add((Members[i], Members[j]));
                }
            }
        }
        return healed;
    }

    /// <summary>Raises loss, duplication and reordering on every link to at least <paramref name="flaky"/>'s; null restores the profile.</summary>
    public void SetFlaky(LinkProfile? flaky) => _flaky = flaky;

    private LinkProfile Effective(LinkProfile link) => _flaky is null
        ? link
        : link with
        {
            DropProbability = Math.Max(link.DropProbability, _flaky.DropProbability),
            DuplicateProbability = Math.Max(link.DuplicateProbability, _flaky.DuplicateProbability),
            ReorderProbability = Math.Max(link.ReorderProbability, _flaky.ReorderProbability),
        };

    private void Arrive(Envelope message)
    {
        var (from, to) = (message.From, message.To);
        if (IsCut(from, to))
        {
            Dropped++;
            Trace(to, () => $"<- {from} #{MessageText.Fingerprint(message.Bytes.Span)} lost in flight (partition)");
            return;
        }
        Deliver!(message);
    }

    private void Trace(NodeId subject, Func<string> text)
    {
        if (_trace.Enabled)
        {
            _trace.Add(_scheduler.NowUs, subject.Value, text());
        }
    }
}
