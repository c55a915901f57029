namespace Chorus.Simulation.Checkers;

/// <summary>The checkers, by the name reports and modes use, and the anomaly each one exposes.</summary>
public static class CheckNames
{
    public const string Linearizability = "linearizability";
    public const string ReadYourWrites = "read-your-writes";
    public const string MonotonicReads = "monotonic-reads";
    public const string MonotonicWrites = "monotonic-writes";
    public const string WritesFollowReads = "writes-follow-reads";
    public const string ConsistentPrefix = "consistent-prefix";
    public const string BoundedStaleness = "bounded-staleness";
    public const string AckedWriteLoss = "acked-write-loss";
    public const string Convergence = "convergence";
    public const string Prefix = "prefix";
    public const string Invariants = "invariants";
    public const string ElectionSafety = "election-safety";
    public const string EpochMonotonic = "epoch-monotonic";
    public const string CrossDeviceReadYourWrites = "cross-device-read-your-writes";
    public const string CrossDeviceMonotonicReads = "cross-device-monotonic-reads";
    public const string RollbackNotices = "rollback-notices";

    /// <summary>Report order.</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        Linearizability, ReadYourWrites, MonotonicReads, MonotonicWrites, WritesFollowReads,
        ConsistentPrefix, BoundedStaleness, AckedWriteLoss, Convergence, Prefix, Invariants, ElectionSafety, EpochMonotonic,
        CrossDeviceReadYourWrites, CrossDeviceMonotonicReads, RollbackNotices,
    ];

    public static IReadOnlyList<string> SessionGuarantees { get; } =
        [ReadYourWrites, MonotonicReads, MonotonicWrites, WritesFollowReads, ConsistentPrefix];

    /// <summary>The anomaly a violation shows, in the words of DDIA chapter 5 where it has them.</summary>
    public static string Anomaly(string check) => check switch
    {
        Linearizability => "stale or impossible read (not one copy)",
        ReadYourWrites => "the lost comment: own write not seen",
        MonotonicReads => "time moving backwards",
        MonotonicWrites => "own writes seen out of order",
        WritesFollowReads => "a reply seen without what it replied to",
        ConsistentPrefix => "the answer before the question",
        BoundedStaleness => "a read older than its staleness bound",
        AckedWriteLoss => "acknowledged write lost",
        Convergence => "replicas disagree after healing",
        Prefix => "a replica is not a prefix of the leader's log",
        Invariants => "a node stopped on a broken invariant",
        ElectionSafety => "two leaders in one epoch (split brain)",
        EpochMonotonic => "a node's epoch went backwards",
        CrossDeviceReadYourWrites => "the lost comment, on another device of the session",
        CrossDeviceMonotonicReads => "time moving backwards across a session's devices",
        RollbackNotices => "a session's rolled-back write never told to it",
        _ => check,
    };
}
