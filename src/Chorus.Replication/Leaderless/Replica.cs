using Chorus.Core;

namespace Chorus.Replication.Leaderless;

/// <summary>
/// A node chosen to hold a copy of a key. <paramref name="HintFor"/> is set when the node stands
/// in for a home node that is down (sloppy quorum): it keeps the write as a hint and hands it to
/// that home node when it returns (hinted handoff).
/// </summary>
public readonly record struct Replica(NodeId Node, NodeId? HintFor = null)
{
    public bool IsStandIn => HintFor is not null;

    public override string ToString() => HintFor is { } home ? $"{Node} (for {home})" : Node.ToString();
}
