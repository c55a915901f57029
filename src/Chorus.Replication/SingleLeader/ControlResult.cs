namespace Chorus.Replication.SingleLeader;

/// <summary>The outcome of an operator's request (FAILOVER, CHORUS.ELECT, a settings change): values; the RESP edge words them.</summary>
public enum ControlResult
{
    /// <summary>Started (a failover, an election) or done (a settings change stored locally).</summary>
    Done,

    /// <summary>Only the leader can do this, and this node does not lead.</summary>
    NotLeader,

    AlreadyLeader,

    /// <summary>A FAILOVER is already in progress.</summary>
    TransferInProgress,

    /// <summary>The FAILOVER target is not a voting follower.</summary>
    TargetNotVotingFollower,

    /// <summary>FAILOVER ABORT without a failover in progress.</summary>
    NoTransfer,

    /// <summary>FAILOVER ABORT after the handover: too late.</summary>
    AlreadyHandedOver,

    /// <summary>Only a voting member can stand for election.</summary>
    NotVoter,
}
