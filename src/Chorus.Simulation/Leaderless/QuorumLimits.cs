using Chorus.Replication.Leaderless;

namespace Chorus.Simulation.Leaderless;

/// <summary>The ways a read can be stale even with W + R &gt; N (DDIA ch. 5, "Limitations of quorum consistency").</summary>
public enum QuorumLimit
{
    /// <summary>Writes land on stand-ins outside the key's home replicas; a read of the home replicas misses them.</summary>
    SloppyQuorum,

    /// <summary>A write that failed its quorum is not rolled back where it was stored: later reads may or may not return it.</summary>
    FailedWrite,

    /// <summary>Concurrent writes resolved by timestamp (last write wins) with a clock running ahead.</summary>
    ClockSkew,

    /// <summary>A node restored from an old backup leaves fewer up-to-date copies than W.</summary>
    RestoredNode,
}

/// <summary>One seed of a variant: the anomalies counted among the reads that could show one.</summary>
public readonly record struct LimitMeasurement(long Anomalies, long Reads, string Detail);

/// <summary>
/// One way to run a <see cref="QuorumLimit"/>'s scenario: the anomaly is expected, or a mechanism
/// (strict quorums, a restart on the node's own disk, reading siblings) prevents it.
/// </summary>
public sealed record QuorumLimitVariant(QuorumLimit Limit, string Name, string Setup, string Anomaly, bool AnomalyExpected, Func<int, LimitMeasurement> Run);

/// <summary>The scenarios behind docs/leaderless.md's table "The limits of quorums", each with its control.</summary>
public static class QuorumLimits
{
    /// <summary>How far n1's clock runs ahead in the clock-skew scenario.</summary>
    public const long SkewMs = 100;

    private static readonly LeaderlessSettings Quorum = new() { N = 3, W = 2, R = 2 };

    public static IReadOnlyList<QuorumLimitVariant> Variants(QuorumLimit limit, long durationMs) => limit switch
    {
        QuorumLimit.SloppyQuorum =>
        [
            Staleness(limit, "sloppy quorum", "5 nodes, N=3 W=2 R=2, split 3|2 every 1.5-3 s for 1-2.5 s", 5, Quorum with { SloppyQuorum = true }, StalenessFaults.Split, durationMs, expected: true),
            Staleness(limit, "strict quorum", "the same, strict quorums", 5, Quorum with { SloppyQuorum = false }, StalenessFaults.Split, durationMs, expected: false),
        ],
        QuorumLimit.FailedWrite =>
        [
            new(limit, "W=3, one node crashed or cut off", "3 nodes, N=3 W=3 R=1, strict, a node crashed or cut off every 1.5-3 s", "a read right after a failed write returns it", true, seed =>
            {
                var run = StalenessRun.Run(seed, 3, new LeaderlessSettings { N = 3, W = 3, R = 1, SloppyQuorum = false }, Workload(durationMs, StalenessFaults.CrashOrCutOff) with { ReadAfterFailedWrite = true });
                return new LimitMeasurement(run.FailedWriteSeen, run.FailedWriteSeen + run.FailedWriteMissed, run.ToString());
            }),
        ],
        QuorumLimit.ClockSkew =>
        [
            Skew(limit, $"n1 {SkewMs} ms ahead, GET", SkewMs, durationMs, lww: true, expected: true),
            Skew(limit, "clocks right, GET", 0, durationMs, lww: true, expected: false),
            Skew(limit, $"n1 {SkewMs} ms ahead, CHORUS.GETV", SkewMs, durationMs, lww: false, expected: false),
        ],
        QuorumLimit.RestoredNode =>
        [
            Restored(limit, "restored from a backup", restore: true, expected: true),
            Restored(limit, "restarted on its own disk", restore: false, expected: false),
        ],
        _ => throw new ArgumentOutOfRangeException(nameof(limit), limit, "unknown quorum limit"),
    };

    private static StalenessWorkload Workload(long durationMs, StalenessFaults faults) => new() { Clients = 8, DurationMs = durationMs, Faults = faults };

    private static QuorumLimitVariant Staleness(QuorumLimit limit, string name, string setup, int nodes, LeaderlessSettings settings, StalenessFaults faults, long durationMs, bool expected) =>
        new(limit, name, setup, "a read right after an acknowledged write misses it", expected, seed =>
        {
            var run = StalenessRun.Run(seed, nodes, settings, Workload(durationMs, faults));
            return new LimitMeasurement(run.StaleReads, run.StaleReads + run.FreshReads, run.ToString());
        });

    private static QuorumLimitVariant Restored(QuorumLimit limit, string name, bool restore, bool expected) =>
        new(limit, name, "3 nodes, N=3 W=2 R=2, strict; 4 episodes: back up X, cut Y off, write 25 keys, wait 1.2 s, X " + (restore ? "restored from the backup" : "restarted on its own disk") + " as Y returns, read each key once", "a read misses the acknowledged write", expected, seed =>
        {
            var run = RestoredNodeRun.Run(seed, restore);
            return new LimitMeasurement(run.StaleReads, run.StaleReads + run.FreshReads, run.ToString());
        });

    private static QuorumLimitVariant Skew(QuorumLimit limit, string name, long skewMs, long durationMs, bool lww, bool expected) =>
        new(limit, name, "3 nodes, N=3 W=2 R=2, strict; 8 keys each written in turns, every write after the previous one was acknowledged and read", lww ? "GET shows an older value than the write just acknowledged" : "no sibling is the write just acknowledged", expected, seed =>
        {
            var run = ClockSkewRun.Run(seed, Quorum with { SloppyQuorum = false }, skewMs, durationMs: durationMs);
            return lww ? new LimitMeasurement(run.LwwStale, run.LwwReads, run.ToString()) : new LimitMeasurement(run.SiblingStale, run.SiblingReads, run.ToString());
        });
}
