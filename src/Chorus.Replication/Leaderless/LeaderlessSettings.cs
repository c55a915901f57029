namespace Chorus.Replication.Leaderless;

/// <summary>
/// A leaderless cluster's settings, with units in the names. N, W and R are the defaults a client
/// can override per connection and per request (at most N replicas per key; W and R between 1
/// and N). With W + R &gt; N and strict quorums, a read overlaps every acknowledged write — unless
/// one of the limits in docs/leaderless.md applies.
/// </summary>
public sealed record LeaderlessSettings
{
    /// <summary>Replicas per key (the preference list's length).</summary>
    public int N { get; init; } = 3;

    /// <summary>Acknowledgements a write waits for.</summary>
    public int W { get; init; } = 2;

    /// <summary>Replies a read waits for.</summary>
    public int R { get; init; } = 2;

    /// <summary>Tokens per node on the ring; more even out the share each node holds.</summary>
    public int VirtualNodesPerNode { get; init; } = 64;

    /// <summary>Sloppy quorum: when home replicas are down, the next healthy nodes on the ring stand in (and keep hints).</summary>
    public bool SloppyQuorum { get; init; } = true;

    /// <summary>Keep a durable hint for each home replica that missed a write, and hand it over when it returns.</summary>
    public bool HintedHandoff { get; init; } = true;

    /// <summary>A read that sees stale replicas writes the merged versions back to them.</summary>
    public bool ReadRepair { get; init; } = true;

    /// <summary>Compare Merkle trees with the other replicas of each range in the background and repair the keys that differ.</summary>
    public bool AntiEntropy { get; init; } = true;

    /// <summary>
    /// Keep a Merkle tree per replicated range, updated as versions are stored. Off: no tree work on
    /// writes, and no anti-entropy (it compares the trees) — for measuring what the trees cost.
    /// </summary>
    public bool MerkleTrees { get; init; } = true;

    /// <summary>How long a read or write waits for its quorum.</summary>
    public long RequestTimeoutMs { get; init; } = 1000;

    /// <summary>Unanswered requests to replicas are sent again this often until the request ends.</summary>
    public long RetryIntervalMs { get; init; } = 200;

    /// <summary>Each node pings every other node this often.</summary>
    public long PingIntervalMs { get; init; } = 200;

    /// <summary>A node not heard from for this long counts as down (sloppy quorum picks stand-ins for it).</summary>
    public long PeerDownAfterMs { get; init; } = 1000;

    /// <summary>How often a node starts comparing its Merkle trees with a peer's (one peer at a time, round robin).</summary>
    public long AntiEntropyIntervalMs { get; init; } = 1000;

    /// <summary>Anti-entropy and range streaming send at most this many keys per second.</summary>
    public int AntiEntropyKeysPerSecond { get; init; } = 20_000;

    /// <summary>Depth of each range's Merkle tree (2^depth leaves).</summary>
    public int MerkleDepth { get; init; } = 6;

    /// <summary>How often hints are offered to home replicas that are up.</summary>
    public long HintDeliveryIntervalMs { get; init; } = 200;

    /// <summary>Hints being delivered at once, per node.</summary>
    public int HintsInFlightMax { get; init; } = 256;

    /// <summary>Hints a node keeps at most; beyond, it refuses to stand in (the write must find its quorum elsewhere).</summary>
    public int HintsMax { get; init; } = 1_000_000;

    /// <summary>Client writes a node coordinates or hands over at once; more wait in arrival order (their time limit starts when they leave the queue).</summary>
    public int WritesInFlightMax { get; init; } = 1_000;

    /// <summary>Client writes that may wait for a slot at a node; past it, a write is refused at once with a message saying so.</summary>
    public int WritesWaitingMax { get; init; } = 200_000;

    /// <summary>Client reads a node waits on quorums for at once; more wait in arrival order (their time limit starts when they leave the queue).</summary>
    public int ReadsInFlightMax { get; init; } = 1_000;

    /// <summary>Client reads that may wait for a slot at a node; past it, a read is refused at once with a message saying so.</summary>
    public int ReadsWaitingMax { get; init; } = 200_000;

    /// <summary>Read repairs in flight at most; more are skipped (counted) rather than queued.</summary>
    public int ReadRepairsInFlightMax { get; init; } = 10_000;

    /// <summary>
    /// Collect tombstones: once every home replica stored a deletion, its coordinator has them all
    /// remove it after <see cref="TombstoneGraceMs"/> (so deleted keys do not take space forever).
    /// </summary>
    public bool TombstoneReaping { get; init; } = true;

    /// <summary>
    /// How long a deletion every home replica stored is kept before it is collected: longer than
    /// any older copy of the key can still be travelling (retries, read repair, anti-entropy).
    /// </summary>
    public long TombstoneGraceMs { get; init; } = 10_000;

    /// <summary>Collections waiting for their grace period at most; beyond, deletions are kept (counted).</summary>
    public int TombstonesPendingMax { get; init; } = 100_000;

    /// <summary>For the simulator's broken variants only: how versions are compared.</summary>
    public VersionScheme Versions { get; init; } = VersionScheme.Dotted;

    /// <summary>For the simulator's broken variants only: stand-ins acknowledge hints and throw them away.</summary>
    public bool DropHints { get; init; }

    /// <summary>Checks the settings; the message says which one is wrong and why.</summary>
    public string? Problem(int members)
    {
        if (N < 1 || W < 1 || R < 1)
        {
            return $"N, W and R must be at least 1 (N={N}, W={W}, R={R})";
        }
        if (W > N || R > N)
        {
            return $"W and R must not exceed N (N={N}, W={W}, R={R})";
        }
        if (N > members)
        {
            return $"N ({N}) must not exceed the number of nodes ({members})";
        }
        if (VirtualNodesPerNode is < 1 or > HashRing.VirtualNodesPerNodeMax)
        {
            return $"the virtual nodes per node must be between 1 and {HashRing.VirtualNodesPerNodeMax}, not {VirtualNodesPerNode}";
        }
        if (MerkleDepth is < 0 or > 16)
        {
            return $"the Merkle depth must be between 0 and 16, not {MerkleDepth}";
        }
        if (AntiEntropy && !MerkleTrees)
        {
            return "anti-entropy compares Merkle trees: with MerkleTrees off, switch AntiEntropy off too";
        }
        if (AntiEntropyKeysPerSecond < 1)
        {
            return $"AntiEntropyKeysPerSecond must be at least 1, not {AntiEntropyKeysPerSecond}";
        }
        if (SloppyQuorum && !HintedHandoff)
        {
            return "a sloppy quorum needs hinted handoff (stand-ins must hand their writes to the home replicas)";
        }
        if (WritesInFlightMax < 1 || WritesWaitingMax < 0)
        {
            return $"WritesInFlightMax must be at least 1 and WritesWaitingMax at least 0 (now {WritesInFlightMax} and {WritesWaitingMax})";
        }
        if (ReadsInFlightMax < 1 || ReadsWaitingMax < 0)
        {
            return $"ReadsInFlightMax must be at least 1 and ReadsWaitingMax at least 0 (now {ReadsInFlightMax} and {ReadsWaitingMax})";
        }
        if (TombstoneGraceMs < RequestTimeoutMs)
        {
            return $"the tombstone grace ({TombstoneGraceMs} ms) must be at least the request timeout ({RequestTimeoutMs} ms): a write's retries must be over before its deletion is collected";
        }
        return RequestTimeoutMs <= 0 || RetryIntervalMs <= 0 || PingIntervalMs <= 0 || PeerDownAfterMs <= PingIntervalMs
            ? "timeouts must be positive, and a peer counts as down only after more than one ping interval"
            : null;
    }
}

/// <summary>How a replica tells replaced versions from concurrent ones.</summary>
public enum VersionScheme
{
    /// <summary>Dotted version vectors: each write keeps its own dot (correct).</summary>
    Dotted,

    /// <summary>
    /// BROKEN, for the simulator: a write replaces the key's siblings only if its context covers
    /// all of them, as with one version vector per key — a client that saw some siblings but not
    /// a newer one keeps the ones it replaced (sibling explosion).
    /// </summary>
    PlainVectors,
}
