using Chorus.Core;
using Chorus.Core.Versions;
using Chorus.Replication.Leaderless.Messages;

namespace Chorus.Replication.Leaderless;

/// <summary>
/// Anti-entropy (DDIA ch. 5; Dynamo §4.7): in the background, this node compares the Merkle trees
/// of the ranges it shares with one peer at a time (round robin), level by level, descending only
/// into subtrees that differ; for leaves that differ, each side sends the other its keys in
/// them, and each merges what it receives — so only the differing parts of the key space move,
/// and only keys whose versions change are written. Rate-limited by the <see cref="RangeSender"/>.
/// </summary>
internal sealed class AntiEntropy(LeaderlessContext context, MerkleForest trees, VersionStore store, RangeSender sender)
{
    private ulong? _session;
    private NodeId _peer;
    private long _sessionDeadlineMs;
    private long _nextStartMs;
    private int _peerCursor;
    private ulong _lastSession;

    /// <summary>The peer being compared with now, if any.</summary>
    public NodeId? ComparingWith => _session is null ? null : _peer;

    /// <summary>Passes completed: every peer compared once.</summary>
    public long Passes { get; private set; }

    /// <summary>When the last pass ended (node time), or 0.</summary>
    public long LastPassEndedMs { get; private set; }

    public void Tick()
    {
        if (_session is not null && context.NowMs >= _sessionDeadlineMs)
        {
            _session = null; // the peer never finished: try the next one
        }
        if (!context.Settings.AntiEntropy || !trees.Built || _session is not null || context.NowMs < _nextStartMs)
        {
            return;
        }
        _nextStartMs = context.NowMs + context.Settings.AntiEntropyIntervalMs;
        var peers = context.Peers.ToList();
        if (peers.Count == 0)
        {
            return;
        }
        _peerCursor = (_peerCursor + 1) % peers.Count;
        if (_peerCursor == 0)
        {
            Passes++;
            LastPassEndedMs = context.NowMs;
        }
        var peer = peers[_peerCursor];
        var shared = trees.SharedWith(peer).ToList();
        if (shared.Count == 0 || !context.IsUp(peer))
        {
            return;
        }
        _session = ((ulong)context.Random.Next() << 20) | (++_lastSession & 0xFFFFF);
        _peer = peer;
        _sessionDeadlineMs = context.NowMs + (context.Settings.RequestTimeoutMs * 10);
        context.Counters.AntiEntropyRounds++;
        context.Counters.RangesCompared += shared.Count;
        context.Send(peer, new TreeLevels(context.Config.Version, _session.Value, Reply: false, [.. shared.Select(MerkleExchange.Start)]));
    }

    /// <summary>The other side's tree levels: compare with ours, answer with the children that differ, send keys of leaves that differ.</summary>
    public void OnTreeLevels(NodeId from, TreeLevels message)
    {
        if (message.Reply && (_session != message.Session || _peer != from))
        {
            return; // an answer to a comparison this node gave up on
        }
        var next = new List<MerkleLevel>();
        var differing = new List<HashRange>();
        foreach (var level in message.Levels)
        {
            var tree = trees.Built ? trees.TreeOver(level.Range) : null;
            if (tree is null)
            {
                continue; // not (or not yet) a replica of this range here: nothing to compare
            }
            var step = MerkleExchange.Reply(tree, level);
            switch (step.Kind)
            {
                case MerkleStepKind.InSync when level.Level == 0:
                    context.Counters.RangesInSync++;
                    break;
                case MerkleStepKind.Descend:
                    if (level.Level == 0)
                    {
                        context.Counters.RangesDiffering++;
                    }
                    next.Add(step.Next!);
                    break;
                case MerkleStepKind.LeavesDiffer:
                    if (level.Level == 0)
                    {
                        context.Counters.RangesDiffering++;
                    }
                    differing.AddRange(step.DifferingRanges);
                    break;
            }
        }
        if (differing.Count > 0)
        {
            sender.Enqueue(from, message.Session, MerkleExchange.Coalesce(differing.OrderBy(r => r.Start)), sendYours: true);
        }
        if (!message.Reply || next.Count > 0)
        {
            context.Send(from, new TreeLevels(context.Config.Version, message.Session, !message.Reply, next));
        }
        else
        {
            _session = null; // this node started it, and nothing is left to compare
        }
    }

    /// <summary>Keys the other side holds in ranges that differ: merge them; send ours back when asked.</summary>
    public void OnRangeKeys(NodeId from, RangeKeys message, Action<RangeKeys>? onStreamed)
    {
        context.Counters.KeysReceived += message.Keys.Count;
        foreach (var (key, encoded) in message.Keys)
        {
            var versions = KeyVersions.Decode(encoded);
            store.Merge(key, versions, (before, after) =>
            {
                if (!ReferenceEquals(before, after) && !before.SameVersionsAs(after))
                {
                    context.Counters.KeysRepaired++;
                }
            });
        }
        if (message.Last && message.SendYours)
        {
            sender.Enqueue(from, message.Session, message.Ranges, sendYours: false);
        }
        onStreamed?.Invoke(message);
    }
}
