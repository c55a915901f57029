using Chorus.Core;

namespace Chorus.Replication.Leaderless;

/// <summary>
/// Which peers look up, from when each was last heard (any message counts; every node pings every
/// other node). A peer never heard from counts as up until <paramref name="downAfterMs"/> has passed
/// since this node started, so a fresh cluster does not start with every write sloppy.
/// </summary>
internal sealed class PeerLiveness(NodeId self, long downAfterMs)
{
    private readonly Dictionary<NodeId, long> _lastHeardMs = [];
    private long _startedMs = long.MinValue;

    public void Start(long nowMs) => _startedMs = nowMs;

    /// <summary>Records that <paramref name="peer"/> was heard; true when it had counted as down (it came back).</summary>
    public bool Heard(NodeId peer, long nowMs)
    {
        var wasUp = IsUp(peer, nowMs);
        _lastHeardMs[peer] = nowMs;
        return !wasUp;
    }

    public bool IsUp(NodeId node, long nowMs)
    {
        if (node == self)
        {
            return true;
        }
        return _lastHeardMs.TryGetValue(node, out var heard)
            ? nowMs - heard < downAfterMs
            : nowMs - _startedMs < downAfterMs;
    }

    public long? LastHeardMs(NodeId node) => _lastHeardMs.TryGetValue(node, out var heard) ? heard : null;
}
