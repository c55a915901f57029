using Chorus.Core;

namespace Chorus.Replication.Leaderless;

/// <summary>
/// A leaderless node's status, for INFO, /metrics and `chorus status`: its settings, the ring and
/// its share of it, which peers it sees up, hinted handoff, read repair, anti-entropy and
/// membership progress, and its running totals.
/// </summary>
public sealed record LeaderlessStatus(
    LeaderlessSettings Settings,
    RingConfig Ring,
    NodeId Actor,
    IReadOnlyList<PeerView> Peers,
    double PrimaryShare,
    double ReplicaShare,
    LeaderlessTotals Totals) : FamilyStatus
{
    public int HintsPending { get; init; }

    public IReadOnlyDictionary<NodeId, int> HintsByHome { get; init; } = new Dictionary<NodeId, int>();

    public int RequestsInFlight { get; init; }

    /// <summary>
    /// Writes other nodes handed to this one that it is coordinating or finished recently (kept
    /// three request timeouts so a duplicated hand-over is not run twice); falls back to 0 when idle.
    /// </summary>
    public int HandOversRemembered { get; init; }

    /// <summary>Client writes waiting for a quorum slot (<see cref="LeaderlessSettings.WritesInFlightMax"/>).</summary>
    public int WritesWaiting { get; init; }

    /// <summary>Client reads waiting for a quorum slot (<see cref="LeaderlessSettings.ReadsInFlightMax"/>).</summary>
    public int ReadsWaiting { get; init; }

    public int Trees { get; init; }

    public bool TreesBuilt { get; init; }

    public double TreeBuildProgress { get; init; }

    public NodeId? AntiEntropyPeer { get; init; }

    public long AntiEntropyPasses { get; init; }

    public int RangeSendsPending { get; init; }

    public int RangesToFetch { get; init; }

    /// <summary>During a membership change: the ring before it (reads and writes need quorums in both until the handover ends).</summary>
    public RingConfig? PreviousRing { get; init; }

    /// <summary>During a membership change: nodes that gained ranges and have not said they received them all.</summary>
    public IReadOnlyList<NodeId> AwaitedGainers { get; init; } = [];

    /// <summary>Whether this node is a member of its ring (false for a node that left, or one not yet added).</summary>
    public bool IsMember { get; init; } = true;

    public long KeysStored { get; init; }

    /// <summary>Deletions waiting out their grace period before collection.</summary>
    public int TombstonesPending { get; init; }

    /// <summary>Keys this replica stores that will expire and are not deleted yet.</summary>
    public int ExpiringKeys { get; init; }

    /// <summary>Whether this node is dropping (or about to drop) its copies of ranges a completed membership change moved away from it.</summary>
    public bool DroppingLostRanges { get; init; }
}

/// <summary>A peer as this node sees it: up (heard from recently) or down, and when it was last heard.</summary>
public sealed record PeerView(NodeId Id, bool Up, long? LastHeardMs);

/// <summary>A leaderless node's running totals since it started.</summary>
public sealed record LeaderlessTotals(
    long Reads,
    long ReadsFailed,
    long ReadsWithSiblings,
    long SiblingsMax,
    long Writes,
    long WritesFailed,
    long WritesForwarded,
    long ReadRepairs,
    long ReadRepairsSkipped,
    long HintsStored,
    long HintsDelivered,
    long HintsRefused,
    long AntiEntropyRounds,
    long RangesCompared,
    long RangesInSync,
    long RangesDiffering,
    long KeysSent,
    long KeysReceived,
    long KeysRepaired,
    long RangesStreamed,
    long KeysStreamed,
    long RefusedMessages)
{
    internal static LeaderlessTotals Of(LeaderlessCounters c) => new(
        c.Reads, c.ReadsFailed, c.ReadsWithSiblings, c.SiblingsMax, c.Writes, c.WritesFailed, c.WritesForwarded,
        c.ReadRepairs, c.ReadRepairsSkipped, c.HintsStored, c.HintsDelivered, c.HintsRefused,
        c.AntiEntropyRounds, c.RangesCompared, c.RangesInSync, c.RangesDiffering, c.KeysSent, c.KeysReceived, c.KeysRepaired,
        c.RangesStreamed, c.KeysStreamed, c.RefusedMessages)
    {
        TombstonesScheduled = c.TombstonesScheduled,
        TombstonesNotScheduled = c.TombstonesNotScheduled,
        TombstonesReaped = c.TombstonesReaped,
        HintsPruned = c.HintsPruned,
        HintsRehomed = c.HintsRehomed,
        ExpiredKeysDeleted = c.ExpiredKeysDeleted,
        KeysDropped = c.KeysDropped,
        RangeSweepsCompleted = c.RangeSweepsCompleted,
    };

    /// <summary>Keys this node deleted because a completed membership change moved their range to other nodes.</summary>
    public long KeysDropped { get; init; }

    /// <summary>Sweeps for copies of lost ranges this node finished.</summary>
    public long RangeSweepsCompleted { get; init; }

    /// <summary>Deletions every home replica stored, waiting out the grace period at their coordinator.</summary>
    public long TombstonesScheduled { get; init; }

    /// <summary>Deletions not scheduled for collection because too many were waiting (they stay).</summary>
    public long TombstonesNotScheduled { get; init; }

    /// <summary>Deleted keys whose records this replica removed.</summary>
    public long TombstonesReaped { get; init; }

    /// <summary>Hints dropped because a collected deletion superseded them.</summary>
    public long HintsPruned { get; init; }

    /// <summary>Hints moved to the key's new home replicas because their home no longer holds the key after a membership change.</summary>
    public long HintsRehomed { get; init; }

    /// <summary>Expired keys this node deleted (a tombstone written by quorum, see ExpiringKeys).</summary>
    public long ExpiredKeysDeleted { get; init; }
}
