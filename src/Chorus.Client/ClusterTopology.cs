using System.Net;

namespace Chorus.Client;

/// <summary>What one node said about itself when the client last asked (<c>INFO replication</c>).</summary>
/// <param name="EndPoint">Where the client reaches the node.</param>
/// <param name="NodeId">The node's id (<c>n1</c>), or empty when it did not answer.</param>
/// <param name="Role"><c>leader</c>, <c>follower</c>, <c>candidate</c> … as the node reports it; <c>unreachable</c> when it did not answer.</param>
/// <param name="Epoch">The epoch (term) the node is in.</param>
/// <param name="LagMs">A follower's measured staleness in milliseconds (0 at the leader).</param>
/// <param name="LagEntries">How many log entries a follower is behind its leader.</param>
/// <param name="LinkUp">Whether a follower's link to its leader is up (true at the leader).</param>
public sealed record NodeState(EndPoint EndPoint, string NodeId, string Role, long Epoch, long LagMs, long LagEntries, bool LinkUp)
{
    public bool IsReachable => Role != Unreachable;

    public bool IsLeader => Role == "leader";

    internal const string Unreachable = "unreachable";
}

/// <summary>
/// The cluster as the client last saw it: who leads (the leader of the newest epoch) and every
/// follower with its lag. Refreshed every <see cref="ChorusClientOptions.TopologyRefreshInterval"/>
/// and at once when a node says leadership moved.
/// </summary>
public sealed record ClusterTopology(NodeState? Leader, IReadOnlyList<NodeState> Followers, IReadOnlyList<NodeState> Nodes, DateTimeOffset ObservedAt)
{
    public static ClusterTopology Unknown { get; } = new(null, [], [], DateTimeOffset.MinValue);

    /// <summary>The picture from every node's answer: the leader is the newest epoch's self-declared leader.</summary>
    public static ClusterTopology From(IReadOnlyList<NodeState> nodes, DateTimeOffset observedAt)
    {
        // Two nodes can both say "leader" for a moment (a deposed leader that has not heard of the
        // election yet); the newer epoch's is the real one, and the old one will refuse writes.
        var leader = nodes.Where(n => n.IsLeader).MaxBy(n => n.Epoch);
        var followers = nodes.Where(n => n.IsReachable && !ReferenceEquals(n, leader) && n.Role == "follower").ToList();
        return new ClusterTopology(leader, followers, nodes, observedAt);
    }
}
