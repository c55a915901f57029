using Chorus.Core;

namespace Chorus.Node;

/// <summary>
/// What a read needs before this node may serve it from local state (DDIA ch. 5, "Problems with
/// replication lag"): a linearizable read waits for the core's read barrier and is answered only
/// once what it saw is committed; a session's token or floor waits until the local log holds it;
/// a staleness bound waits until the node is current enough. Each waits at most
/// <see cref="WaitMs"/>, then the read is held back with the reason.
/// </summary>
public sealed record ReadGuard
{
    /// <summary>No requirement: the local replica as it is (eventual consistency).</summary>
    public static readonly ReadGuard None = new();

    /// <summary>Linearizable: a read barrier through the core (read index or lease), and the reply waits until everything it saw is committed.</summary>
    public bool Linearizable { get; init; }

    /// <summary>The local log must hold at least this LSN (a session's last write: read-your-writes; what it has seen: monotonic reads).</summary>
    public Lsn AtLeast { get; init; }

    /// <summary>
    /// The reply waits until everything the read saw is committed (as a linearizable read's does).
    /// Session guarantees need it across failovers: a node applies entries before a majority holds
    /// them, so without it a session could read a write that a failover then rolls back, and its
    /// next read — at least as far along by LSN, in the new history — would not show it (time
    /// moving backwards), or a node whose log diverged at the session's token would pass the LSN
    /// check without the session's write. The simulator's read-your-writes and monotonic modes
    /// found both under chaos with failovers.
    /// </summary>
    public bool AnswerWhenCommitted { get; init; }

    /// <summary>Whether the reply waits for the commit point.</summary>
    public bool WaitsForCommit => Linearizable || AnswerWhenCommitted;

    /// <summary>The node's state may be at most this old (bounded staleness); negative: no bound.</summary>
    public long MaxStalenessMs { get; init; } = -1;

    /// <summary>How long the read may wait for its requirement before it is held back.</summary>
    public long WaitMs { get; init; }

    /// <summary>
    /// Whether local state can serve it without asking the loop: nothing to confirm, nothing to
    /// wait for (<paramref name="committed"/>: the commit point as last published, which only lags).
    /// </summary>
    public bool IsSatisfiedBy(Lsn applied, long? currentAsOfMs, long nowMs, Lsn committed = default) =>
        !Linearizable && applied >= AtLeast && StalenessOk(currentAsOfMs, nowMs) && (!AnswerWhenCommitted || committed >= applied);

    /// <summary>Whether state current as of <paramref name="currentAsOfMs"/> is within the bound at <paramref name="nowMs"/>.</summary>
    public bool StalenessOk(long? currentAsOfMs, long nowMs) =>
        MaxStalenessMs < 0 || (currentAsOfMs is { } at && nowMs - at <= MaxStalenessMs);
}

/// <summary>How a guarded read ended.</summary>
public abstract record ReadVerdict;

/// <summary>Served from local state that held everything up to <paramref name="At"/>.</summary>
public sealed record ReadServed(Lsn At) : ReadVerdict;

/// <summary>Not served: its requirement could not be met here (the client may wait longer, go to another node, or fail).</summary>
public sealed record ReadHeldBack(ReadRefusal Reason) : ReadVerdict;

/// <summary>Why a guarded read was not served.</summary>
public abstract record ReadRefusal;

/// <summary>The local log did not reach <paramref name="Needed"/> within the wait (it holds <paramref name="Applied"/>).</summary>
public sealed record NotCaughtUp(Lsn Needed, Lsn Applied, long WaitedMs) : ReadRefusal;

/// <summary>The node's state was <paramref name="StalenessMs"/> old (null: never current) against a bound of <paramref name="BoundMs"/>.</summary>
public sealed record TooStale(long? StalenessMs, long BoundMs) : ReadRefusal;

/// <summary>The core could not confirm a linearizable read: <paramref name="Outcome"/> says why (no leader, leadership lost, not confirmed in time).</summary>
public sealed record NotLinearizable(Chorus.Replication.ProposalOutcome Outcome) : ReadRefusal;

/// <summary>What the read saw was not committed within the wait, or was rolled back: it is not answered.</summary>
public sealed record NotCommitted(Lsn Saw, Lsn Committed) : ReadRefusal;

/// <summary>The node is stopping.</summary>
public sealed record ReadNodeStopping : ReadRefusal;
