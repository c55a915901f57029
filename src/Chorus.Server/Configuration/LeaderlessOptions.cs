using Chorus.Replication.Leaderless;

namespace Chorus.Server.Configuration;

/// <summary>
/// A leaderless cluster's settings as configured (Chorus:Leaderless:N, --Leaderless:N=3, …);
/// every node of a cluster should be given the same ones. See docs/leaderless.md.
/// </summary>
public sealed class LeaderlessOptions
{
    private static readonly LeaderlessSettings Defaults = new();

    /// <summary>Replicas per key (default 3, at most the number of nodes).</summary>
    public int N { get; set; } = Defaults.N;

    /// <summary>Acknowledgements a write waits for (default 2).</summary>
    public int W { get; set; } = Defaults.W;

    /// <summary>Replies a read waits for (default 2).</summary>
    public int R { get; set; } = Defaults.R;

    /// <summary>Sloppy quorum with hinted handoff: stand-ins take writes for home replicas that are down (default true).</summary>
    public bool SloppyQuorum { get; set; } = Defaults.SloppyQuorum;

    /// <summary>Keep hints for home replicas that missed a write and hand them over when they return (default true).</summary>
    public bool HintedHandoff { get; set; } = Defaults.HintedHandoff;

    /// <summary>Reads write the merged versions back to replicas that answered with stale ones (default true).</summary>
    public bool ReadRepair { get; set; } = Defaults.ReadRepair;

    /// <summary>Background Merkle-tree comparison between replicas (default true).</summary>
    public bool AntiEntropy { get; set; } = Defaults.AntiEntropy;

    /// <summary>
    /// Keep a Merkle tree per replicated range, updated on every store (default true). Off: no tree
    /// work on writes and no anti-entropy (AntiEntropy is then off whatever it says) — for comparing
    /// the write cost with and without trees.
    /// </summary>
    public bool MerkleTrees { get; set; } = Defaults.MerkleTrees;

    /// <summary>Keys per second a node sends at most for anti-entropy and range streaming (default 20000).</summary>
    public int AntiEntropyKeysPerSecond { get; set; } = Defaults.AntiEntropyKeysPerSecond;

    /// <summary>Ring tokens per node (default 64).</summary>
    public int VirtualNodes { get; set; } = Defaults.VirtualNodesPerNode;

    /// <summary>How long a read or write waits for its quorum, in ms (default 1000).</summary>
    public long RequestTimeoutMs { get; set; } = Defaults.RequestTimeoutMs;

    /// <summary>A peer not heard from for this long counts as down, in ms (default 1000).</summary>
    public long PeerDownAfterMs { get; set; } = Defaults.PeerDownAfterMs;

    /// <summary>How often anti-entropy starts comparing trees with the next peer, in ms (default 1000).</summary>
    public long AntiEntropyIntervalMs { get; set; } = Defaults.AntiEntropyIntervalMs;

    /// <summary>Collect deletions once every home replica stored them and the grace has passed (default true).</summary>
    public bool TombstoneReaping { get; set; } = Defaults.TombstoneReaping;

    /// <summary>How long a deletion every home replica stored is kept before it is collected, in ms (default 10000; at least RequestTimeoutMs).</summary>
    public long TombstoneGraceMs { get; set; } = Defaults.TombstoneGraceMs;

    /// <summary>Client writes a node coordinates or hands over at once; more wait in arrival order (default 1000).</summary>
    public int WritesInFlightMax { get; set; } = Defaults.WritesInFlightMax;

    /// <summary>Client writes that may wait for a slot at a node; past it a write is refused at once (default 200000).</summary>
    public int WritesWaitingMax { get; set; } = Defaults.WritesWaitingMax;

    /// <summary>Client reads a node waits on quorums for at once; more wait in arrival order (default 1000).</summary>
    public int ReadsInFlightMax { get; set; } = Defaults.ReadsInFlightMax;

    /// <summary>Client reads that may wait for a slot at a node; past it a read is refused at once (default 200000).</summary>
    public int ReadsWaitingMax { get; set; } = Defaults.ReadsWaitingMax;

    /// <summary>
    /// Start outside the ring, to be added with CHORUS.RING ADD at a member (default false):
    /// Peers then lists the ring's current members and this node. Ignored once the node has
    /// stored a ring (a restart after it joined).
    /// </summary>
    public bool Join { get; set; }

    public LeaderlessSettings ToSettings() => Defaults with
    {
        N = N,
        W = W,
        R = R,
        SloppyQuorum = SloppyQuorum,
        HintedHandoff = HintedHandoff || SloppyQuorum,
        ReadRepair = ReadRepair,
        AntiEntropy = AntiEntropy && MerkleTrees,
        MerkleTrees = MerkleTrees,
        AntiEntropyKeysPerSecond = AntiEntropyKeysPerSecond,
        VirtualNodesPerNode = VirtualNodes,
        RequestTimeoutMs = RequestTimeoutMs,
        PeerDownAfterMs = PeerDownAfterMs,
        AntiEntropyIntervalMs = AntiEntropyIntervalMs,
        TombstoneReaping = TombstoneReaping,
        TombstoneGraceMs = TombstoneGraceMs,
        WritesInFlightMax = WritesInFlightMax,
        WritesWaitingMax = WritesWaitingMax,
        ReadsInFlightMax = ReadsInFlightMax,
        ReadsWaitingMax = ReadsWaitingMax,
    };
}
