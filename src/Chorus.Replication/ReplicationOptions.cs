namespace Chorus.Replication;

/// <summary>Protocol timing and limits. Every limit has a unit in its name.</summary>
public sealed record ReplicationOptions
{
    /// <summary>How often a leader tells each follower it is alive (an empty AppendEntries).</summary>
    public int HeartbeatIntervalMs { get; init; } = 100;

    /// <summary>
    /// A follower that hears nothing from its leader for a random time between this and twice
    /// this starts an election (automatic failover). A leader that has not heard from a majority
    /// for this long steps down (its lease ran out).
    /// </summary>
    public int ElectionTimeoutMs { get; init; } = 1000;

    /// <summary>A follower that hears nothing from its leader this long subscribes again.</summary>
    public int ResubscribeAfterMs { get; init; } = 1000;

    /// <summary>Unacknowledged entries are sent again after this long (messages can be lost).</summary>
    public int RetransmitAfterMs { get; init; } = 1000;

    /// <summary>Encoded entry bytes per AppendEntries message.</summary>
    public long BatchBytesMax { get; init; } = 1 << 20;

    /// <summary>Encoded entry bytes sent to one follower and not yet acknowledged.</summary>
    public long InflightBytesMax { get; init; } = 16 << 20;

    /// <summary>Recent entries a leader keeps in memory to ship without reading its disk.</summary>
    public long EntryCacheBytesMax { get; init; } = 64 << 20;

    /// <summary>A node with an empty log joins from a snapshot (not by replaying the log) once the log holds more than this.</summary>
    public long SnapshotNewNodeEntriesMin { get; init; } = 10_000;

    /// <summary>
    /// How a follower that fell out of this leader's log retention catches up: a full snapshot
    /// (the default), or a Merkle-tree comparison that copies only the rows that differ.
    /// </summary>
    public FollowerResync FollowerResync { get; init; } = FollowerResync.Snapshot;

    /// <summary>
    /// A brand-new cluster's first leader appends its starting settings to the log, so every node
    /// (and every future leader) has them. Off only in core-level tests that script the log.
    /// </summary>
    public bool RecordBootstrapSettings { get; init; } = true;

    /// <summary>A learner becomes a voting follower once it is at most this many entries behind (negative: never).</summary>
    public long PromoteLagEntriesMax { get; init; } = 1_000;

    /// <summary>
    /// Linearizable reads at the leader skip the quorum round while the leader holds a read lease
    /// (a majority confirmed it within the last <see cref="ReadLeaseMs"/>). Safe only with bounded
    /// clock drift and bounded pauses between a loop round's start and its reads, and every node
    /// must run with it: a node that runs with it grants no vote for an election timeout after it
    /// starts. Off: every linearizable read waits for its own quorum round (a read index).
    /// </summary>
    public bool ReadLease { get; init; }

    /// <summary>How long a read lease lasts after the round that confirmed it began: 80% of the election timeout (the rest is margin for clock drift).</summary>
    public long ReadLeaseMs => ElectionTimeoutMs * 8L / 10;

    /// <summary>A read waiting for its read index is refused (retry) after this long; 0: the election timeout.</summary>
    public int ReadTimeoutMs { get; init; }

    /// <summary><see cref="ReadTimeoutMs"/>, or the election timeout when it is 0.</summary>
    public long EffectiveReadTimeoutMs => ReadTimeoutMs > 0 ? ReadTimeoutMs : ElectionTimeoutMs;
}
