using Chorus.Core;
using Chorus.Node;

namespace Chorus.Server.Consistency;

/// <summary>The read guarantees a connection (or one request) can ask for (DESIGN §5).</summary>
internal enum ConsistencyLevel
{
    /// <summary>The local replica as it is.</summary>
    Eventual,

    /// <summary>The session's own writes are visible (token strategy: the replica waits until it has applied them).</summary>
    ReadYourWrites,

    /// <summary>Never a state older than one the session has already seen.</summary>
    Monotonic,

    /// <summary>Only from a replica whose state is at most a bound old.</summary>
    Bounded,

    /// <summary>Linearizable: every write acknowledged before the read began is visible, and what it shows is never rolled back.</summary>
    Strong,
}

/// <summary>What a read does when its guarantee is not met within its wait.</summary>
internal enum OnTimeout
{
    /// <summary>Answer TRYAGAIN with the reason (the default).</summary>
    Fail,

    /// <summary>Answer MOVED with the leader's address, so the client reads there.</summary>
    Redirect,

    /// <summary>A follower has the leader serve the read on the client's behalf (one peer round trip).</summary>
    Forward,
}

/// <summary>How read-your-writes is kept (DDIA ch. 5 lists all three).</summary>
internal enum ReadYourWritesStrategy
{
    /// <summary>The replica waits until it has applied the session's last write.</summary>
    Token,

    /// <summary>For a while after the session's last write, reads go to the leader; other reads are local.</summary>
    LeaderWindow,

    /// <summary>Reads of keys the session owns (a glob pattern) go to the leader; other reads are local.</summary>
    LeaderForOwned,
}

/// <summary>A connection's (or one request's) consistency settings.</summary>
internal sealed record ConsistencySettings
{
    public const long DefaultWaitMs = 1000;

    /// <summary>A read waits at most this long, whatever the client asks (a bound on held-back work).</summary>
    public const long WaitMsMax = 60_000;

    public static readonly ConsistencySettings Eventual = new();

    public ConsistencyLevel Level { get; init; } = ConsistencyLevel.Eventual;

    /// <summary>For <see cref="ConsistencyLevel.Bounded"/>: the staleness bound.</summary>
    public long BoundMs { get; init; }

    /// <summary>How long a read may wait for its guarantee before <see cref="OnTimeout"/> applies (0: not at all).</summary>
    public long WaitMs { get; init; } = DefaultWaitMs;

    public OnTimeout OnTimeout { get; init; } = OnTimeout.Fail;

    /// <summary>For <see cref="ConsistencyLevel.ReadYourWrites"/>: how it is kept.</summary>
    public ReadYourWritesStrategy Strategy { get; init; } = ReadYourWritesStrategy.Token;

    /// <summary>For <see cref="ReadYourWritesStrategy.LeaderWindow"/>: how long after a write reads go to the leader.</summary>
    public long WindowMs { get; init; }

    /// <summary>For <see cref="ReadYourWritesStrategy.LeaderForOwned"/>: the keys the session owns (a glob pattern, as KEYS takes).</summary>
    public byte[] OwnedPattern { get; init; } = [];

    /// <summary>Whether this read goes to the leader under a leader-window or leader-for-owned strategy (null: the strategy is token).</summary>
    public bool? ReadsAtLeader(SessionPosition position, long nowMs, Func<byte[], bool> anyKeyMatches) => Level != ConsistencyLevel.ReadYourWrites ? null : Strategy switch
    {
        ReadYourWritesStrategy.LeaderWindow => position.WrittenAtMs > 0 && nowMs - position.WrittenAtMs < WindowMs,
        ReadYourWritesStrategy.LeaderForOwned => anyKeyMatches(OwnedPattern),
        _ => null,
    };

    public string StrategyText => Strategy switch
    {
        ReadYourWritesStrategy.LeaderWindow => $"leader-window {WindowMs}",
        ReadYourWritesStrategy.LeaderForOwned => "leader-for-owned " + System.Text.Encoding.UTF8.GetString(OwnedPattern),
        _ => "token",
    };

    /// <summary>A position the reads must reflect besides the session's own (a token from another connection or service).</summary>
    public SessionToken After { get; init; } = SessionToken.Empty;

    /// <summary>
    /// For one read (<c>CHORUS.READ … SESSION &lt;id&gt;</c>): the named session it reads for, as if the
    /// connection were bound to it for this read — for clients that share one connection among
    /// many sessions (StackExchange.Redis multiplexes). Null: the connection's own binding, if any.
    /// </summary>
    public string? SessionId { get; init; }

    /// <summary>What a read under these settings needs, given the session's position.</summary>
    public ReadGuard GuardFor(SessionPosition position) => Level switch
    {
        ConsistencyLevel.Eventual when After.IsEmpty => ReadGuard.None,
        // Session guarantees and bounded staleness answer only committed state: see ReadGuard.AnswerWhenCommitted.
        ConsistencyLevel.Eventual => new ReadGuard { AtLeast = After.Lsn, WaitMs = WaitMs, AnswerWhenCommitted = true },
        ConsistencyLevel.ReadYourWrites => new ReadGuard { AtLeast = Lsn.Max(position.Written, After.Lsn), WaitMs = WaitMs, AnswerWhenCommitted = true },
        ConsistencyLevel.Monotonic => new ReadGuard { AtLeast = Lsn.Max(position.Seen, After.Lsn), WaitMs = WaitMs, AnswerWhenCommitted = true },
        ConsistencyLevel.Bounded => new ReadGuard { AtLeast = After.Lsn, MaxStalenessMs = BoundMs, WaitMs = WaitMs, AnswerWhenCommitted = true },
        ConsistencyLevel.Strong => new ReadGuard { Linearizable = true, AtLeast = After.Lsn, WaitMs = WaitMs },
        _ => throw new ArgumentOutOfRangeException(nameof(position)),
    };

    public string LevelName => Level switch
    {
        ConsistencyLevel.Eventual => "eventual",
        ConsistencyLevel.ReadYourWrites => "read-your-writes",
        ConsistencyLevel.Monotonic => "monotonic",
        ConsistencyLevel.Bounded => "bounded",
        ConsistencyLevel.Strong => "strong",
        _ => Level.ToString(),
    };
}

/// <summary>
/// Where a session stands in the log: the position after its latest write, and the newest state
/// it has read. Thread-confined to its connection.
/// </summary>
internal sealed class SessionPosition
{
    public Lsn Written { get; set; }

    /// <summary>When (unix ms, this node's clock) the session last wrote; 0: never (leader-window reads).</summary>
    public long WrittenAtMs { get; set; }

    public Lsn Seen { get; private set; }

    public void Saw(Lsn lsn) => Seen = Lsn.Max(Seen, lsn);

    /// <summary>The token a client can hand to another connection: everything this session wrote or saw, in <paramref name="cluster"/>'s log.</summary>
    public SessionToken TokenIn(string cluster) => SessionToken.Of(Lsn.Max(Written, Seen), cluster);
}
