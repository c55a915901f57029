using Chorus.Core;
using Chorus.Replication.Election;
using Chorus.Replication.Membership;
using Chorus.Replication.Quorum;

namespace Chorus.Replication;

/// <summary>
/// How a node starts: who it is, which node should lead when there is no leader (the preferred
/// leader: it stands for election at once, others wait an election timeout), and the members,
/// acknowledgement policy and failover mode a brand-new cluster begins with. Once the log holds
/// cluster settings, those win (see <see cref="ClusterSettings"/>).
/// </summary>
public sealed record ClusterConfig(NodeId Self, NodeId PreferredLeader, IReadOnlyList<NodeId> Members)
{
    public bool SelfIsPreferredLeader => Self == PreferredLeader;

    /// <summary>The failover mode a new cluster starts with.</summary>
    public FailoverMode InitialFailover { get; init; } = FailoverMode.Auto;

    /// <summary>Peer addresses and client endpoints of the initial members, where known.</summary>
    public IReadOnlyDictionary<NodeId, (string PeerAddress, string ClientEndpoint)> Addresses { get; init; } =
        new Dictionary<NodeId, (string, string)>();

    /// <summary>The acknowledgement policy a new cluster starts with.</summary>
    public AckPolicy InitialAck { get; init; } = AckPolicy.Default;

    /// <summary>
    /// The identity this node gives the cluster if it becomes a brand-new cluster's first leader
    /// (<see cref="Membership.ClusterId"/>); every other node takes the one in the log. Empty: the
    /// cluster gets none (core tests, the simulator).
    /// </summary>
    public string NewClusterId { get; init; } = "";

    /// <summary>The settings a cluster has before any are in its log.</summary>
    public ClusterSettings BootstrapSettings() =>
        new([.. Members.Select(m => new Member(m, Addresses.GetValueOrDefault(m).PeerAddress ?? "", Addresses.GetValueOrDefault(m).ClientEndpoint ?? "", MemberRole.Voter))], InitialAck, InitialFailover);
}
