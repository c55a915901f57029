using Chorus.Core;
using Chorus.Replication.Log;
using Chorus.Replication.Membership;

namespace Chorus.Replication.SingleLeader;

/// <summary>
/// What <see cref="LeaderRole"/> and its parts (<see cref="LogShipping"/>, <see cref="AckWindow"/>,
/// <see cref="ReadIndex"/>, <see cref="LeadershipHandover"/>, <see cref="LearnerPromotion"/>) need
/// beyond <see cref="IRoleHost"/>: the settings, the commit point, the entry cache, the lease, and
/// the leader's own effects.
/// </summary>
internal interface ILeaderHost : IRoleHost
{
    /// <summary>The cluster settings in force (members, acknowledgement policy).</summary>
    ClusterSettings Settings { get; }

    /// <summary>The LSN of the entry that set <see cref="Settings"/> (zero: bootstrap settings).</summary>
    Lsn SettingsLsn { get; }

    Lsn CommitLsn { get; }

    /// <summary>Recent entries in memory, shipped without a log read.</summary>
    EntryCache Cache { get; }

    CheckQuorumLease Lease { get; }

    /// <summary>A random cluster id the host supplied (<see cref="ClusterConfig.NewClusterId"/>): a brand-new cluster's first leader records it.</summary>
    string NewClusterId { get; }

    /// <summary>Appends new cluster settings (they apply from their entry on).</summary>
    ProposalId ProposeSettings(ClusterSettings settings);

    /// <summary>The commit timestamp of a recent entry, if it is still cached.</summary>
    HlcTimestamp? EntryTimestamp(Lsn lsn);

    /// <summary>This leader stops leading for <paramref name="reason"/>.</summary>
    void StepDown(StepDownReason reason);

    /// <summary>Client writes waiting on a proposal learn its outcome.</summary>
    void Complete(ProposalCompletion completion);

    /// <summary>The host reads entries the cache no longer holds, for a follower.</summary>
    void RequestLogRead(LogReadRequest request);
}
