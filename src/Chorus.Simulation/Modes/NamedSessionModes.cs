using Chorus.Core;
using Chorus.Replication.Election;
using Chorus.Simulation.Checkers;
using Chorus.Storage;

namespace Chorus.Simulation.Modes;

/// <summary>
/// Named sessions (docs/consistency.md, "Cross-device sessions"): two devices per session share
/// its position through the cluster, as Chorus.Client's per-command sessions do — each write is
/// recorded at the leader with its exact entries (<c>CHORUS.SESSION WROTE … LSNS</c>), each read
/// names its session (<c>CHORUS.READ … SESSION &lt;id&gt;</c>). Reads go to any node.
/// </summary>
public static class NamedSessionModes
{
    private static readonly string[] Always = [CheckNames.Prefix, CheckNames.Convergence, CheckNames.Invariants, CheckNames.ElectionSafety, CheckNames.EpochMonotonic];

    /// <summary>What every mode promises, plus <paramref name="more"/>.</summary>
    private static HashSet<string> Set(params string[] more) => [.. Always, .. more];

    /// <summary>The session's own level: read-your-writes and monotonic (the device's token), answered once committed.</summary>
    private static Node.ReadGuard SessionGuard(Lsn written, Lsn seen) => new() { AtLeast = Lsn.Max(written, seen), WaitMs = 1000, AnswerWhenCommitted = true };

    /// <summary>
    /// Semi-sync any 1 and fsync always (no acknowledged write is lost): a device reads every
    /// completed write of the session's other devices, and never a state older than one any of
    /// them read — across failovers.
    /// </summary>
    public static readonly ClusterMode FailoverNamedSessions = new()
    {
        Name = "failover-named-sessions",
        Description = "automatic failover, semi-sync any 1, fsync always, two devices per named session reading at any node through the session's position at the leader",
        Failover = FailoverMode.Auto,
        Durability = DurabilityPolicy.Always,
        Ack = ClusterModes.SemiSyncOne.Ack,
        Reads = ReadRouting.AnyNode,
        NamedSessions = true,
        SessionGuard = SessionGuard,
        Claims = context => context.LeaderMayLoseAcknowledgedWrites
            ? Set()
            : Set(CheckNames.AckedWriteLoss, CheckNames.ReadYourWrites, CheckNames.MonotonicReads, CheckNames.MonotonicWrites, CheckNames.WritesFollowReads,
               CheckNames.ConsistentPrefix, CheckNames.CrossDeviceReadYourWrites, CheckNames.CrossDeviceMonotonicReads, CheckNames.RollbackNotices),
    };

    /// <summary>
    /// Asynchronous replication: a failover can roll back acknowledged writes, and every one a
    /// session recorded at the node that rolls it back must become that session's notice. Reads
    /// as failover-named-sessions (which cannot promise read-your-writes over writes that are lost).
    /// </summary>
    public static readonly ClusterMode FailoverAsyncNamedSessions = new()
    {
        Name = "failover-async-named-sessions",
        Description = "automatic failover, asynchronous replication, two devices per named session; acknowledged writes a failover rolls back become the session's notices",
        Failover = FailoverMode.Auto,
        Reads = ReadRouting.AnyNode,
        NamedSessions = true,
        SessionGuard = SessionGuard,
        Claims = _ => Set(CheckNames.RollbackNotices),
    };

    /// <summary>The control: the same devices and failovers, reads at any node under eventual (no lookup, no wait).</summary>
    public static readonly ClusterMode NamedSessionsEventual = new()
    {
        Name = "named-sessions-eventual",
        Description = "as failover-named-sessions, reads at any node with no guarantee (eventual): the control",
        Failover = FailoverMode.Auto,
        Durability = DurabilityPolicy.Always,
        Ack = ClusterModes.SemiSyncOne.Ack,
        Reads = ReadRouting.AnyNode,
        NamedSessions = true,
        Claims = context => context.LeaderMayLoseAcknowledgedWrites ? Set() : Set(CheckNames.AckedWriteLoss, CheckNames.RollbackNotices),
    };
}
