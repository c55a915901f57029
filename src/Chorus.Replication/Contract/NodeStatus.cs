using Chorus.Core;
using Chorus.Replication.Progress;
using Chorus.Replication.Membership;

namespace Chorus.Replication;

/// <summary>
/// An immutable picture of a node's replication state, published by the node's loop for INFO,
/// ROLE, metrics and the CLI to read from other threads.
/// </summary>
public sealed record NodeStatus(
    NodeId Self,
    NodeRole Role,
    NodeId? Leader,
    Epoch Epoch,
    LogPosition Last,
    Lsn Flushed,
    long AtMs,
    IReadOnlyList<FollowerStatus> Followers,
    LeaderLinkStatus? Link,
    ClusterSettings Settings,
    Lsn AckedLsn,
    AckStatus? Acks,
    Lsn LogBase,
    ElectionStatus Election)
{
    /// <summary>Whether the core took proposals when the status was made (connection threads route writes by it).</summary>
    public Admission Admission { get; init; } = Admission.Refuse(new NoLeader(Epoch.Zero, null));

    /// <summary>The family's own status (null for single-leader, whose status is the fields above).</summary>
    public FamilyStatus? Family { get; init; }

    /// <summary>The core's <see cref="IReplicationCore.StatusFingerprint"/> when this status was made.</summary>
    public int Fingerprint { get; init; }

    /// <summary>The core's <see cref="IReplicationCore.CurrentAsOfMs"/> when this status was made: bounded-staleness reads compare it with now (older is conservative).</summary>
    public long? CurrentAsOfMs { get; init; }

    /// <summary>The highest LSN known committed when this status was made.</summary>
    public Lsn Committed { get; init; }

    /// <summary>
    /// At a leader: the highest LSN a majority of voters holds on stable storage (within
    /// <see cref="Committed"/>; zero elsewhere, and until this epoch's first entry is durable on a
    /// majority). Unlike the commit point it survives power losses under fsync everysec: named
    /// sessions judge whether a write survived against it.
    /// </summary>
    public Lsn DurablyCommitted { get; init; }

    /// <summary>Multi-leader only: the node's site, the shared site settings and the links between sites.</summary>
    public SitesStatus? Sites { get; init; }

    public static NodeStatus Initial(NodeId self, ClusterSettings settings) =>
        new(self, NodeRole.Follower, null, Epoch.Zero, LogPosition.Zero, Lsn.Zero, 0, [], null, settings, Lsn.Zero, null, Lsn.Zero, new ElectionStatus(null, 0, 0, null, "no-failover", null));
}

/// <summary>Elections and failover as this node saw them.</summary>
public sealed record ElectionStatus(NodeId? VotedFor, long ElectionsStarted, long TimesElected, StepDownReason? LastStepDownReason, string FailoverState, NodeId? FailoverTarget);

/// <summary>The leader's acknowledgement state.</summary>
public sealed record AckStatus(bool IsDegraded, long DegradedSinceMs, long Degradations, long TimedOutWrites);

/// <summary>The leader's view of one follower.</summary>
public sealed record FollowerStatus(
    NodeId Id,
    string ClientEndpoint,
    MemberRole Role,
    FollowerState State,
    Lsn Received,
    Lsn Match,
    Lsn Flushed,
    long LastHeardAtMs,
    ulong LagEntries,
    long LagMs,
    Lsn SubscribedFrom,
    double AckLatencyMs);

/// <summary>A follower's view of its leader.</summary>
public sealed record LeaderLinkStatus(
    bool IsUp,
    string LeaderClientEndpoint,
    long LastHeardAtMs,
    Lsn LeaderLastLsn,
    long LeaderTimeMs,
    Lsn ResumedFrom,
    long Subscriptions,
    long Truncations,
    ulong LagEntries,
    long LagMs);
