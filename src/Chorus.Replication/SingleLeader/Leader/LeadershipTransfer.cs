using Chorus.Core;

namespace Chorus.Replication.SingleLeader;

/// <summary>A manual failover in progress (Redis's FAILOVER): writes are paused until it ends.</summary>
public sealed class LeadershipTransfer(NodeId target, long deadlineMs)
{
    public NodeId Target { get; } = target;

    public long DeadlineMs { get; } = deadlineMs;

    /// <summary>TimeoutNow was sent: the target is standing for election.</summary>
    public bool HandedOver { get; internal set; }

    /// <summary>Redis's master_failover_state.</summary>
    public string State => HandedOver ? "failover-in-progress" : "waiting-for-sync";
}
