using Chorus.Core;

namespace Chorus.Replication.SingleLeader;

/// <summary>What <see cref="FollowerRole"/> and <see cref="FollowerReads"/> need beyond <see cref="IRoleHost"/>: who leads, and the follower's own effects.</summary>
internal interface IFollowerHost : IRoleHost
{
    /// <summary>The leader of the current epoch, once known.</summary>
    NodeId? Leader { get; }

    /// <summary>The clock acknowledgements are stamped with and staleness is measured on.</summary>
    ElapsedClock Elapsed { get; }

    /// <summary>Why this node last stopped leading, while no leader is known since (a refused read says so).</summary>
    StepDownReason? LastStepDownReason { get; }

    /// <summary>A divergent suffix goes: the host truncates the log after <paramref name="keepThrough"/>.</summary>
    void QueueTruncate(Lsn keepThrough);

    /// <summary>The leader cannot stream to this node: the host fetches a snapshot (or resyncs) from it.</summary>
    void RequestSnapshot(SnapshotRequest request);
}
