using Chorus.Core;
using Chorus.Core.Log;
using Chorus.Replication.Leaderless.Messages;

namespace Chorus.Replication.Leaderless;

/// <summary>
/// Membership changes (DDIA ch. 6, "Rebalancing partitions"): an operator adds or removes a node
/// at any node; the new ring (a higher version) spreads by gossip — every message carries the
/// sender's ring version, and a node that sees another version sends its ring so the newer one
/// wins. On adopting a ring, a node stores it (a configuration entry in its log), rebuilds its
/// Merkle trees for the ranges it now holds, and fetches each range it gained from a node that
/// held it before (<see cref="StreamRange"/>), while reads and writes go on against the new ring;
/// anti-entropy catches whatever a stream missed.
/// </summary>
internal sealed class Membership(LeaderlessContext context, EpochLog log, MerkleForest trees, RangeSender sender)
{
    private readonly Dictionary<ulong, RangeFetch> _fetching = [];
    private readonly Dictionary<NodeId, long> _lastGossipMs = [];
    private ulong _lastSession;

    /// <summary>Ranges this node gained and has not received in full yet.</summary>
    public int RangesPending => _fetching.Count;

    /// <summary>The ring changed: reconnect peers, rebuild trees (raised for the core).</summary>
    public Action? RingChanged { get; init; }

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

    /// <summary>Another node gained a range this node held: stream it every key here in the range.</summary>
    public void OnStreamRange(NodeId from, StreamRange message) =>
        sender.Enqueue(from, message.Session, [message.Range], sendYours: false);

    /// <summary>Keys of a range being fetched arrived (already merged); the last chunk completes the fetch.</summary>
    public void OnStreamed(RangeKeys message)
    {
        if (!_fetching.ContainsKey(message.Session))
        {
            return;
        }
        context.Counters.KeysStreamed += message.Keys.Count;
        if (message.Last)
        {
            _fetching.Remove(message.Session);
            context.Counters.RangesStreamed++;
        }
    }

    /// <summary>Fetches that took too long start over from another node that held the range.</summary>
    public void Tick()
    {
        foreach (var (session, fetch) in _fetching.Where(f => context.NowMs >= f.Value.DeadlineMs).ToList())
        {
            _fetching.Remove(session);
            Fetch(fetch.Move, fetch.Attempt + 1);
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
        if (config.Find(context.Self) is not null)
        {
            foreach (var move in RingChange.Between(before, context.Ring, context.Settings.N).Where(m => m.Gained.Contains(context.Self)))
            {
                Fetch(move, 0);
            }
        }
        RingChanged?.Invoke();
    }

    private void Fetch(RangeMove move, int attempt)
    {
        var sources = move.Before.Where(n => n != context.Self).ToList();
        if (sources.Count == 0)
        {
            return;
        }
        var up = sources.Where(context.IsUp).ToList();
        var source = (up.Count > 0 ? up : sources)[attempt % (up.Count > 0 ? up.Count : sources.Count)];
        var session = ((ulong)context.Random.Next() << 20) | (++_lastSession & 0xFFFFF);
        // A range of a few million keys streams in minutes at the default rate; give it that long.
        _fetching[session] = new RangeFetch(move, attempt, context.NowMs + (context.Settings.RequestTimeoutMs * 60));
        context.Send(source, new StreamRange(context.Config.Version, session, move.Range));
    }

    private sealed record RangeFetch(RangeMove Move, int Attempt, long DeadlineMs);
}
