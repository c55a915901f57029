using Chorus.Core;
using Chorus.Core.Log;
using Chorus.Replication.Leaderless.Messages;

namespace Chorus.Replication.Leaderless;

/// <summary>
/// Membership changes (DDIA ch. 6, "Rebalancing partitions"): an operator adds or removes a node
/// at any node; the new ring (a higher version) spreads by gossip — every message carries the
/// sender's ring version, and a node that sees another version sends its ring so the newer one
/// wins. On adopting a ring, a node stores it (a configuration entry in its log), rebuilds its
/// Merkle trees for the ranges it now holds, and — for each range it gained — fetches the keys
/// from <b>every</b> node that held the range before (<see cref="StreamRange"/>), so it has
/// every write any of them acknowledged.
/// <para>
/// The <b>handover</b>: until every node that gained ranges says it received them all
/// (<see cref="Handover"/>), a node keeps the old ring beside the new one, and reads and writes
/// need their quorum in both replica sets (<see cref="LeaderlessContext.HomeSets"/>). Then the old
/// ring is dropped: a node that left the ring has nothing more to give and can be stopped.
/// </para>
/// </summary>
internal sealed class Membership(LeaderlessContext context, EpochLog log, MerkleForest trees, RangeSender sender)
{
    private readonly Dictionary<ulong, SourceFetch> _fetching = [];
    private readonly Dictionary<NodeId, long> _lastGossipMs = [];
    private readonly HashSet<NodeId> _gainers = [];
    private readonly HashSet<NodeId> _handedOver = [];
    private List<GainedRange> _gained = [];
    private ulong _lastSession;
    private long _nextAskMs;
    private List<RingMember> _removed = [];
    private long _tellRemovedUntilMs;

    /// <summary>Ranges this node gained and has not received in full yet.</summary>
    public int RangesPending => _gained.Count(g => !g.Received);

    /// <summary>Nodes that gained ranges in the change under way and have not said they received them.</summary>
    public IReadOnlyList<NodeId> AwaitedGainers => [.. _gainers.Except(_handedOver).OrderBy(n => n.Value, StringComparer.Ordinal)];

    /// <summary>The ring changed, or its handover ended: reconnect peers, rebuild trees (raised for the core).</summary>
    public Action? RingChanged { get; init; }

    /// <summary>The handover of the current ring ended at this node (the old holders may drop what they lost).</summary>
    public Action? HandoverEnded { get; init; }

    /// <summary>An operator's change at this node: a new ring one version up, adopted here and sent to every member, old and new.</summary>
    public void Change(RingConfig config)
    {
        var members = context.Config.Ids.Union(config.Ids).ToList();
        Adopt(config);
        foreach (var member in members)
        {
            context.Send(member, new RingUpdate(context.Config.Version, config.Encode()));
        }
    }

    /// <summary>Any message: if the sender's ring differs, the two exchange rings (at most once a second per peer).</summary>
    public void Observe(NodeId from, long ringVersion)
    {
        if (ringVersion == context.Config.Version)
        {
            return;
        }
        if (_lastGossipMs.TryGetValue(from, out var last) && context.NowMs - last < 1000)
        {
            return;
        }
        _lastGossipMs[from] = context.NowMs;
        context.Send(from, new RingUpdate(context.Config.Version, context.Config.Encode()));
    }

    public void OnRingUpdate(NodeId from, RingUpdate message)
    {
        var config = RingConfig.Decode(message.Ring);
        if (context.Config.IsSupersededBy(config))
        {
            Adopt(config);
        }
        else if (config.IsSupersededBy(context.Config) && (!_lastGossipMs.TryGetValue(from, out var last) || context.NowMs - last >= 1000))
        {
            _lastGossipMs[from] = context.NowMs;
            context.Send(from, new RingUpdate(context.Config.Version, context.Config.Encode()));
        }
    }

    /// <summary>
    /// Another node gained ranges this node held: stream it every key here in them — only under the
    /// same ring, so that no write this node stores afterwards was counted under the old one
    /// (<see cref="WriteCoordinator.OnStored"/>); the gainer asks again until the rings agree.
    /// </summary>
    public void OnStreamRange(NodeId from, StreamRange message)
    {
        if (message.RingVersion == context.Config.Version)
        {
            sender.Enqueue(from, message.Session, message.Ranges, sendYours: false);
        }
    }

    /// <summary>Keys of ranges being fetched arrived (already merged); the last chunk completes that source.</summary>
    public void OnStreamed(RangeKeys message)
    {
        if (!_fetching.TryGetValue(message.Session, out var fetch))
        {
            return;
        }
        context.Counters.KeysStreamed += message.Keys.Count;
        fetch.DeadlineMs = context.NowMs + (context.Settings.RequestTimeoutMs * 5);
        if (message.Last)
        {
            _fetching.Remove(message.Session);
            foreach (var gained in _gained.Where(g => g.Sources.Contains(fetch.Source)))
            {
                gained.Done.Add(fetch.Source);
            }
            Progress();
        }
    }

    /// <summary>The handover: who received what they gained; a node still waiting asks the others once a second.</summary>
    public void OnHandover(NodeId from, Handover message)
    {
        if (message.RingVersion != context.Config.Version)
        {
            return;
        }
        if (message.Received)
        {
            _handedOver.Add(from);
            EndIfHandedOver();
        }
        else if (_handedOver.Contains(context.Self))
        {
            context.Send(from, new Handover(context.Config.Version, Received: true));
        }
    }

    /// <summary>How long a node that handed over keeps telling the nodes the change removed (once a second).</summary>
    public const long TellRemovedForMs = 120_000;

    private void TellRemovedNodes()
    {
        if (_removed.Count == 0 || context.Previous is not null || context.NowMs < _nextAskMs)
        {
            return;
        }
        if (context.NowMs >= _tellRemovedUntilMs || !_handedOver.Contains(context.Self))
        {
            _removed = [];
            RingChanged?.Invoke(); // their links can go now
            return;
        }
        _nextAskMs = context.NowMs + 1000;
        foreach (var removed in _removed)
        {
            context.Send(removed.Id, new Handover(context.Config.Version, Received: true));
        }
    }

    /// <summary>The nodes the last change removed, while this node still tells them it handed over (their links must stay).</summary>
    public IReadOnlyList<RingMember> RemovedBeingTold => _removed;

    public void Tick()
    {
        foreach (var (session, fetch) in _fetching.Where(f => context.NowMs >= f.Value.DeadlineMs).ToList())
        {
            _fetching.Remove(session);
            Fetch(fetch.Source, fetch.Attempt + 1);
        }
        Progress();
        TellRemovedNodes();
        if (context.Previous is not null && context.NowMs >= _nextAskMs)
        {
            _nextAskMs = context.NowMs + 1000;
            foreach (var gainer in _gainers.Except(_handedOver))
            {
                context.Send(gainer, new Handover(context.Config.Version, Received: false));
            }
        }
    }

    public bool IsFetching(ulong session) => _fetching.ContainsKey(session);

    private void Adopt(RingConfig config)
    {
        var before = context.Ring;
        context.Adopt(config);
        context.Pending.LogOperations.Add(new AppendOperation([log.Append(PayloadKind.ClusterConfig, config.Encode())], Proposed: false));
        context.Pending.Notices.Add(new LogNotice($"{context.Self} adopted ring {config}"));
        trees.Reset();
        _fetching.Clear();
        _gainers.Clear();
        _handedOver.Clear();
        var moves = RingChange.Between(before, context.Ring, context.Settings.N);
        _gainers.UnionWith(moves.SelectMany(m => m.Gained));
        _gained = context.IsMember
            ? [.. moves.Where(m => m.Gained.Contains(context.Self)).Select(m => new GainedRange(m.Range, [.. m.Before.Where(n => n != context.Self)]))]
            : [];
        foreach (var source in _gained.SelectMany(g => g.Sources).Distinct())
        {
            Fetch(source, 0);
        }
        RingChanged?.Invoke();
        Progress();
    }

    /// <summary>Asks <paramref name="source"/> for every gained range it held (one stream per source).</summary>
    private void Fetch(NodeId source, int attempt)
    {
        var ranges = _gained.Where(g => g.Sources.Contains(source) && !g.Done.Contains(source)).Select(g => g.Range).ToList();
        if (ranges.Count == 0)
        {
            return;
        }
        var session = ((ulong)context.Random.Next() << 20) | (++_lastSession & 0xFFFFF);
        // The first chunk should come soon; later chunks extend the deadline (OnStreamed).
        _fetching[session] = new SourceFetch(source, attempt) { DeadlineMs = context.NowMs + (context.Settings.RequestTimeoutMs * 2) };
        context.Send(source, new StreamRange(context.Config.Version, session, ranges));
    }

    /// <summary>
    /// A gained range is received once every old holder streamed it — or, when some are down, once
    /// enough did to meet every write acknowledged by the cluster's W of them (N − W + 1).
    /// When all are received, this node tells everyone.
    /// </summary>
    private void Progress()
    {
        var enough = context.Settings.N - context.Settings.W + 1;
        foreach (var gained in _gained.Where(g => !g.Received))
        {
            if (gained.Sources.All(s => gained.Done.Contains(s) || (!context.IsUp(s) && gained.Done.Count >= enough)))
            {
                gained.Received = true;
                context.Counters.RangesStreamed++;
            }
        }
        if (_gainers.Contains(context.Self) && !_handedOver.Contains(context.Self) && _gained.All(g => g.Received))
        {
            _handedOver.Add(context.Self);
            foreach (var peer in context.Peers)
            {
                context.Send(peer, new Handover(context.Config.Version, Received: true));
            }
        }
        EndIfHandedOver();
    }

    private void EndIfHandedOver()
    {
        if (context.Previous is null || !_gainers.IsSubsetOf(_handedOver))
        {
            return;
        }
        // Nodes the new ring leaves out can no longer reach the members (their peer connections
        // are refused: not a member), so a removed node that missed a gainer's Handover — it was
        // cut off, or the one message to it was lost — would wait for ever; this node keeps
        // telling it for a while instead (keeping its link: RemovedBeingTold).
        _removed = [.. context.PreviousConfig!.Members.Where(m => context.Config.Find(m.Id) is null && m.Id != context.Self)];
        _tellRemovedUntilMs = context.NowMs + TellRemovedForMs;
        context.EndTransition();
        context.Pending.Notices.Add(new LogNotice($"{context.Self}: the handover to ring {context.Config} is complete"));
        RingChanged?.Invoke();
        HandoverEnded?.Invoke();
    }

    private sealed class GainedRange(HashRange range, IReadOnlyList<NodeId> sources)
    {
        public HashRange Range { get; } = range;
        public IReadOnlyList<NodeId> Sources { get; } = sources;
        public HashSet<NodeId> Done { get; } = [];
        public bool Received { get; set; }
    }

    private sealed class SourceFetch(NodeId source, int attempt)
    {
        public NodeId Source { get; } = source;
        public int Attempt { get; } = attempt;
        public long DeadlineMs { get; set; }
    }
}
