using Chorus.Commands.Statements;
using Chorus.Replication.Election;
using Chorus.Replication.Quorum;
using Chorus.Simulation.Checkers;
using Chorus.Simulation.Variants;
using Chorus.Storage;

namespace Chorus.Simulation.Modes;

/// <summary>
/// Every mode the simulator can run, by name: single-leader replication with the preferred
/// leader n1 in charge (failover manual) — asynchronous (read at the leader or at any node),
/// semi-synchronous and synchronous; the same with automatic failover (elections); and the
/// deliberately broken variants. Every mode runs with the same workloads, faults and checkers.
/// </summary>
public static class ClusterModes
{
    private static readonly string[] Always = [CheckNames.Prefix, CheckNames.Convergence, CheckNames.Invariants, CheckNames.ElectionSafety, CheckNames.EpochMonotonic];

    private static readonly string[] Reads = [CheckNames.Linearizability];

    private static readonly string[] Sessions = [.. CheckNames.SessionGuarantees];

    /// <summary>Guarantees that hold wherever reads go, because every replica holds a prefix of one log.</summary>
    private static readonly string[] PrefixOrdered = [CheckNames.MonotonicWrites, CheckNames.WritesFollowReads, CheckNames.ConsistentPrefix];

    /// <summary>Leader reads: one copy serves every read, so everything holds while no acknowledged write can be lost.</summary>
    public static readonly ClusterMode Async = new()
    {
        Name = "async",
        Description = "single leader, asynchronous replication, clients read at the leader",
        Claims = context => context.LeaderMayLoseAcknowledgedWrites ? Set(Always) : Set(Always, Reads, Sessions, [CheckNames.AckedWriteLoss]),
    };

    /// <summary>Reads anywhere: followers lag, so read-your-writes and monotonic reads are not promised.</summary>
    public static readonly ClusterMode AsyncFollowerReads = new()
    {
        Name = "async-follower-reads",
        Description = "single leader, asynchronous replication, clients read at a random node",
        Reads = ReadRouting.AnyNode,
        Claims = context => context.LeaderMayLoseAcknowledgedWrites ? Set(Always) : Set(Always, PrefixOrdered, [CheckNames.AckedWriteLoss]),
    };

    /// <summary>
    /// Acknowledged once one follower has flushed the write. Without failover this promises no
    /// more than async when the leader loses power: the fixed leader returns with a shorter log
    /// and the follower's copy is rolled back (recorded in its rollback file). Failover modes will
    /// keep that copy instead.
    /// </summary>
    public static readonly ClusterMode SemiSyncOne = new()
    {
        Name = "semi-sync-1",
        Description = "single leader, acknowledged after 1 follower flushed (semi-sync any 1), clients read at the leader",
        Ack = new AckPolicy(AckMode.SemiSync, 1, AckLevel.Flushed, 1000, AckTimeoutAction.Fail),
        Claims = Async.Claims,
    };

    /// <summary>Acknowledged once every follower has flushed the write; a cut-off follower makes writes fail (NOREPLICAS).</summary>
    public static readonly ClusterMode SyncAll = new()
    {
        Name = "sync-all",
        Description = "single leader, acknowledged after every follower flushed (sync all), clients read at the leader",
        Ack = new AckPolicy(AckMode.SyncAll, 0, AckLevel.Flushed, 1000, AckTimeoutAction.Fail),
        Claims = SemiSyncOne.Claims,
    };

    /// <summary>
    /// Automatic failover with asynchronous acknowledgement: a new leader is elected from the
    /// nodes that remain, and whatever the old leader acknowledged but had not replicated is rolled
    /// back when it returns (into its rollback record) — or was never anywhere else (lost with
    /// its power). Promises only what elections and the log guarantee; the report counts the
    /// acknowledged writes lost, by how they were lost.
    /// </summary>
    public static readonly ClusterMode FailoverAsync = new()
    {
        Name = "failover-async",
        Description = "automatic failover (elections), asynchronous replication, clients find the leader and read there",
        Failover = FailoverMode.Auto,
        Claims = _ => Set(Always),
    };

    /// <summary>A replication backlog of a few kilobytes, which a run outgrows in seconds (declared before the modes that use it: static fields initialise in order).</summary>
    private static readonly Replication.Log.RetentionOptions SmallBacklog = new() { RetainBytes = 4 << 10, RetainFloorBytes = 4 << 10, HardCapBytes = 8 << 10, KeepTailEntries = 20, RetainAgeMs = 60_000 };

    /// <summary>
    /// As failover-async, with a backlog of a few kilobytes: an old leader that comes back after
    /// its successor retired the log past the point where they diverged reloads from a snapshot —
    /// after rolling back what only it had into its rollback record, exactly as it would with the
    /// log still there (the divergence is found from the epoch history the retired log leaves).
    /// </summary>
    public static readonly ClusterMode FailoverAsyncSnapshot = new()
    {
        Name = "failover-async-snapshot",
        Description = "as failover-async, with a backlog of a few KB: a returning old leader rolls back what only it had, then reloads from a snapshot",
        Failover = FailoverMode.Auto,
        Retention = SmallBacklog,
        Claims = _ => Set(Always),
    };

    /// <summary>
    /// Automatic failover, acknowledged once one follower flushed the write, and the leader's own
    /// copy synced (fsync always): an acknowledged write is durable on 2 of 3 nodes — a majority —
    /// so every elected leader holds it (a voter refuses a candidate whose log is behind its own).
    /// Reads at the leader are not promised linearizable: the leader applies a write before a
    /// follower confirms it, so a read can see a write that a failover then rolls back (MySQL's
    /// AFTER_COMMIT semi-sync shows the same), and a deposed leader that has not noticed yet still
    /// serves reads (docs/simulation.md, "Failover").
    /// </summary>
    public static readonly ClusterMode FailoverSemiSyncOne = new()
    {
        Name = "failover-semi-sync-1",
        Description = "automatic failover, acknowledged after 1 follower flushed (semi-sync any 1; with the leader, a majority of 3), fsync always, reads at the leader",
        Failover = FailoverMode.Auto,
        Durability = DurabilityPolicy.Always,
        Ack = SemiSyncOne.Ack,
        Claims = FailoverDurable,
    };

    /// <summary>Automatic failover, acknowledged once every follower flushed it: promises as failover-semi-sync-1, refuses more writes.</summary>
    public static readonly ClusterMode FailoverSyncAll = new()
    {
        Name = "failover-sync-all",
        Description = "automatic failover, acknowledged after every follower flushed (sync all), fsync always, reads at the leader",
        Failover = FailoverMode.Auto,
        Durability = DurabilityPolicy.Always,
        Ack = SyncAll.Ack,
        Claims = FailoverDurable,
    };

    /// <summary>
    /// As semi-sync-1, with a replication backlog of a few kilobytes: a follower that was down for
    /// a while finds the leader's log retired past its position and is bootstrapped from a
    /// snapshot (taken on the leader's loop, sent in chunks over the simulated network), then
    /// catches up from the log.
    /// </summary>
    public static readonly ClusterMode SnapshotCatchUp = new()
    {
        Name = "snapshot-catch-up",
        Description = "single leader, semi-sync any 1, a backlog of a few KB: a follower that falls behind is bootstrapped from a snapshot, reads at the leader",
        Ack = SemiSyncOne.Ack,
        Retention = SmallBacklog,
        Claims = Async.Claims,
    };

    /// <summary>
    /// As snapshot-catch-up, with the leader resyncing such a follower by Merkle diff: trees of the
    /// follower's data and of the leader's copy are compared, and only the differing rows travel.
    /// </summary>
    public static readonly ClusterMode MerkleCatchUp = new()
    {
        Name = "merkle-catch-up",
        Description = "as snapshot-catch-up, but a follower that falls behind the backlog resyncs by Merkle diff (only the rows that differ travel), reads at the leader",
        Ack = SnapshotCatchUp.Ack,
        Retention = SmallBacklog,
        Claims = SnapshotCatchUp.Claims,
        FollowerResync = Chorus.Replication.FollowerResync.Merkle,
    };

    /// <summary>
    /// As async, with every acknowledged write followed by WAIT 2 300 (Redis's WAIT: block until
    /// both followers hold the write, or 300 ms pass) through the production replica-wait service.
    /// WAIT makes no write durable; the run records each answer with the truth to judge it by.
    /// </summary>
    public static readonly ClusterMode AsyncWait = new()
    {
        Name = "async-wait",
        Description = "single leader, asynchronous replication, every acknowledged write followed by WAIT 2 300, reads at the leader",
        WaitAfterWrites = (2, 300),
        Claims = Async.Claims,
    };

    /// <summary>
    /// As failover-semi-sync-1, with clients sending each write to any node: a follower forwards
    /// it to the leader (production's default replica-writes forward) over the simulated network,
    /// and reports it in doubt when no answer comes (loss, partition, a leader change meanwhile).
    /// </summary>
    public static readonly ClusterMode FailoverForwarding = new()
    {
        Name = "failover-forwarding",
        Description = "automatic failover, semi-sync any 1, fsync always, writes sent to any node (followers forward them to the leader), reads at the leader",
        Failover = FailoverMode.Auto,
        Durability = DurabilityPolicy.Always,
        Ack = SemiSyncOne.Ack,
        WritesThroughAnyNode = true,
        Claims = FailoverDurable,
    };

    /// <summary>Linearizable reads: each read waits for the node's read gate (read index, then the commit point).</summary>
    private static readonly Node.ReadGuard Strong = new() { Linearizable = true, WaitMs = 1000 };

    /// <summary>
    /// As failover-semi-sync-1, with every read linearizable (DDIA ch. 9's linearizability, Raft's
    /// read index): the leader confirms with a quorum round begun after the read arrived that it
    /// still leads, serves at or after its commit point, and answers only once what the read saw is
    /// committed — so a deposed leader refuses instead of serving, and no read shows a write that a
    /// failover rolls back. This closes the gap failover-semi-sync-1 documents.
    /// </summary>
    public static readonly ClusterMode FailoverStrongReads = new()
    {
        Name = "failover-strong-reads",
        Description = "automatic failover, semi-sync any 1, fsync always, linearizable reads at the leader (read index)",
        Failover = FailoverMode.Auto,
        Durability = DurabilityPolicy.Always,
        Ack = SemiSyncOne.Ack,
        ReadGuard = Strong,
        Claims = FailoverLinearizable,
    };

    /// <summary>Linearizable reads at any node: a follower asks the leader for a read index and serves once its own log holds it (Raft thesis §6.4).</summary>
    public static readonly ClusterMode FailoverStrongFollowerReads = new()
    {
        Name = "failover-strong-follower-reads",
        Description = "automatic failover, semi-sync any 1, fsync always, linearizable reads at any node (read index from the leader)",
        Failover = FailoverMode.Auto,
        Durability = DurabilityPolicy.Always,
        Ack = SemiSyncOne.Ack,
        Reads = ReadRouting.AnyNode,
        ReadGuard = Strong,
        Claims = FailoverLinearizable,
    };

    /// <summary>
    /// Read-your-writes by token (DDIA ch. 5, "Reading your own writes"): reads go to any node with
    /// the LSN of the session's latest acknowledged write; a node serves once it has applied that
    /// far, else holds the read back (TRYAGAIN) — production's <c>CHORUS.READ read-your-writes AFTER</c>.
    /// Semi-sync and fsync always, so no acknowledged write is lost in a failover.
    /// </summary>
    public static readonly ClusterMode FailoverReadYourWrites = SessionFollowerReads(
        "failover-ryw-follower-reads",
        "automatic failover, semi-sync any 1, fsync always, reads at any node carrying the session's read-your-writes token",
        (written, _) => new Node.ReadGuard { AtLeast = written, WaitMs = 1000, AnswerWhenCommitted = true },
        CheckNames.ReadYourWrites);

    /// <summary>
    /// Monotonic reads (DDIA ch. 5): reads go to any node with the newest LSN a read of the session
    /// was served at; a node serves once it has applied that far — production's <c>monotonic</c> level.
    /// </summary>
    public static readonly ClusterMode FailoverMonotonicReads = SessionFollowerReads(
        "failover-monotonic-follower-reads",
        "automatic failover, semi-sync any 1, fsync always, reads at any node never older than one the session saw",
        (_, seen) => new Node.ReadGuard { AtLeast = seen, WaitMs = 1000, AnswerWhenCommitted = true },
        CheckNames.MonotonicReads);

    /// <summary>
    /// Bounded staleness (docs/consistency.md, <c>bounded 500</c>): reads at any node through the
    /// production read gate, served only while the node's state is at most 500 ms old by its own
    /// measure (a follower: a round trip to its leader on its own clock, see Freshness), waiting up to
    /// a second, else held back (TRYAGAIN; the client tries another node). The bounded-staleness
    /// checker judges the reads by simulated time.
    /// </summary>
    public static readonly ClusterMode FailoverBoundedReads = new()
    {
        Name = "failover-bounded-follower-reads",
        Description = "automatic failover, semi-sync any 1, fsync always, reads at any node at most 500 ms stale (bounded staleness)",
        Failover = FailoverMode.Auto,
        Durability = DurabilityPolicy.Always,
        Ack = SemiSyncOne.Ack,
        Reads = ReadRouting.AnyNode,
        // Answered once committed, like the session levels (production's bounded level does the
        // same): without it, a read across a failover could show a write that is then rolled back.
        ReadGuard = new Node.ReadGuard { MaxStalenessMs = 500, WaitMs = 1000, AnswerWhenCommitted = true },
        Claims = context => context.LeaderMayLoseAcknowledgedWrites ? Set(Always) : Set(Always, PrefixOrdered, [CheckNames.AckedWriteLoss, CheckNames.BoundedStaleness]),
    };

    /// <summary>
    /// Linearizable reads at the leader under a read lease: no quorum round per read while a
    /// majority confirmed the leader within the lease. Relies on clocks that run at about the same
    /// rate (a skewed offset is harmless; the lease is measured on one node's clock).
    /// </summary>
    public static readonly ClusterMode FailoverStrongLeaseReads = new()
    {
        Name = "failover-strong-lease-reads",
        Description = "automatic failover, semi-sync any 1, fsync always, linearizable reads at the leader under a read lease",
        Failover = FailoverMode.Auto,
        Durability = DurabilityPolicy.Always,
        Ack = SemiSyncOne.Ack,
        ReadGuard = Strong,
        ReadLease = true,
        Claims = FailoverLinearizable,
    };

    /// <summary>
    /// Statement-based replication (DDIA ch. 5): the log holds commands, followers execute them
    /// again; the leader rewrites every nondeterministic one first, so replicas converge. Promises
    /// what async promises.
    /// </summary>
    public static readonly ClusterMode Statement = new()
    {
        Name = "statement",
        Description = "single leader, asynchronous, statement-based log with determinism rewriting, reads at the leader",
        LogFormat = new LogFormatSetting(LogFormat.Statement),
        Claims = Async.Claims,
    };

    /// <summary>Statement-based replication with automatic failover: rollbacks undo statements from their undo images.</summary>
    public static readonly ClusterMode FailoverStatement = new()
    {
        Name = "failover-statement",
        Description = "automatic failover, semi-sync any 1, fsync always, statement-based log with rewriting, reads at the leader",
        Failover = FailoverMode.Auto,
        Durability = DurabilityPolicy.Always,
        Ack = SemiSyncOne.Ack,
        LogFormat = Statement.LogFormat,
        Claims = FailoverDurable,
    };

    /// <summary>
    /// Physical replication, WAL shipping (DDIA ch. 5): the log holds each write's storage bytes,
    /// followers write them as they are. Promises what async promises.
    /// </summary>
    public static readonly ClusterMode Physical = new()
    {
        Name = "physical",
        Description = "single leader, asynchronous, physical log (the storage engine's write bytes, WAL shipping), reads at the leader",
        LogFormat = new LogFormatSetting(LogFormat.Physical),
        Claims = Async.Claims,
    };

    /// <summary>Physical replication with automatic failover: rollbacks undo physical entries from the values they replaced.</summary>
    public static readonly ClusterMode FailoverPhysical = new()
    {
        Name = "failover-physical",
        Description = "automatic failover, semi-sync any 1, fsync always, physical log (WAL shipping), reads at the leader",
        Failover = FailoverMode.Auto,
        Durability = DurabilityPolicy.Always,
        Ack = SemiSyncOne.Ack,
        LogFormat = Physical.LogFormat,
        Claims = FailoverDurable,
    };

    public static readonly ClusterMode BrokenStatementWithoutRewrite = new()
    {
        Name = "broken-statement-no-rewrite",
        Description = "BROKEN: statement-based log with determinism rewriting off: followers re-run SPOP and relative expiries with their own randomness and clock (as async)",
        LogFormat = new LogFormatSetting(LogFormat.Statement, Rewrite: false),
        IsBroken = true,
        CaughtBy = CheckNames.Convergence,
        Claims = Async.Claims,
    };

    public static readonly ClusterMode BrokenOutOfOrderFollower = new()
    {
        Name = "broken-follower-out-of-order",
        Description = "BROKEN: follower n2 applies each batch of entries rotated by one (as async)",
        IsBroken = true,
        CaughtBy = CheckNames.Prefix,
        NetworkVariant = (_, members) => new OutOfOrderFollower(members[1]),
        Claims = Async.Claims,
    };

    public static readonly ClusterMode BrokenAckBeforeFsync = new()
    {
        Name = "broken-ack-before-fsync",
        Description = "BROKEN: fsync=always, but the leader's disk acknowledges syncs it has not done (as async)",
        Durability = DurabilityPolicy.Always,
        IsBroken = true,
        CaughtBy = CheckNames.AckedWriteLoss,
        StorageVariant = (node, leader, storage) => node == leader ? new LyingDisk(storage) : storage,
        Claims = Async.Claims,
    };

    public static readonly ClusterMode BrokenReadYourWritesWindow = new()
    {
        Name = "broken-ryw-window",
        Description = "BROKEN: claims read-your-writes by reading at the leader for 1 ms after a write, then at any node",
        Reads = ReadRouting.LeaderWindow,
        LeaderWindowMs = 1,
        IsBroken = true,
        CaughtBy = CheckNames.ReadYourWrites,
        Claims = context => Set(AsyncFollowerReads.Claims(context), [CheckNames.ReadYourWrites]),
    };

    public static IReadOnlyList<ClusterMode> All { get; } =
    [
        Async, AsyncFollowerReads, AsyncWait, SemiSyncOne, SnapshotCatchUp, MerkleCatchUp, SyncAll, FailoverAsync, FailoverAsyncSnapshot, FailoverSemiSyncOne, FailoverSyncAll,
        FailoverForwarding, FailoverStrongReads, FailoverStrongFollowerReads, FailoverStrongLeaseReads, FailoverReadYourWrites, FailoverMonotonicReads, FailoverBoundedReads, Statement, FailoverStatement,
        Physical, FailoverPhysical, BrokenOutOfOrderFollower, BrokenStatementWithoutRewrite, BrokenAckBeforeFsync, BrokenReadYourWritesWindow,
        NamedSessionModes.FailoverNamedSessions, NamedSessionModes.FailoverAsyncNamedSessions, NamedSessionModes.NamedSessionsEventual,
    ];

    public static IReadOnlyList<ClusterMode> Correct { get; } = [.. All.Where(m => !m.IsBroken)];

    public static ClusterMode Named(string name) =>
        All.FirstOrDefault(m => m.Name == name) ?? throw new ArgumentException($"unknown mode '{name}' (known: {string.Join(", ", All.Select(m => m.Name))})", nameof(name));

    /// <summary>
    /// Reads at any node under a guarantee made from the session's position (written, seen), with
    /// automatic failover, semi-sync any 1 and fsync always, so no acknowledged write is lost.
    /// </summary>
    private static ClusterMode SessionFollowerReads(string name, string description, Func<Chorus.Core.Lsn, Chorus.Core.Lsn, Node.ReadGuard> guard, string guarantee) => new()
    {
        Name = name,
        Description = description,
        Failover = FailoverMode.Auto,
        Durability = DurabilityPolicy.Always,
        Ack = SemiSyncOne.Ack,
        Reads = ReadRouting.AnyNode,
        SessionGuard = guard,
        Claims = context => context.LeaderMayLoseAcknowledgedWrites ? Set(Always) : Set(Always, PrefixOrdered, [CheckNames.AckedWriteLoss, guarantee]),
    };

    /// <summary>A majority holds every acknowledged write durably — unless fsync was overridden and a leader can lose power.</summary>
    private static IReadOnlySet<string> FailoverDurable(ClaimContext context) =>
        context.LeaderMayLoseAcknowledgedWrites ? Set(Always) : Set(Always, [CheckNames.AckedWriteLoss]);

    /// <summary>As <see cref="FailoverDurable"/>, plus linearizable reads and every session guarantee.</summary>
    private static IReadOnlySet<string> FailoverLinearizable(ClaimContext context) =>
        context.LeaderMayLoseAcknowledgedWrites ? Set(Always) : Set(Always, Reads, Sessions, [CheckNames.AckedWriteLoss]);

    private static HashSet<string> Set(params IEnumerable<string>[] parts) => [.. parts.SelectMany(p => p)];
}
