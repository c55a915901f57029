using System.Globalization;
using Chorus.Simulation.Checkers;
using Chorus.Simulation.Tests.Support;

namespace Chorus.Simulation.Tests.Runs;

/// <summary>
/// DDIA ch. 5, "Setting up new followers" and "Handling node outages" (DESIGN §4.3), under faults
/// that strike while a snapshot is on its way: a follower down past the leader's backlog is
/// bootstrapped from a snapshot (the production core's decision, the driver's snapshot step on
/// the leader's loop, production's install with <c>ReplacedLogRollbacks</c>), and then the leader is
/// cut off, the leader crashes, or the follower itself crashes before the transfer completes. The
/// transfer resumes or starts over (from whichever node leads by then), the follower catches up
/// from the log, every replica converges and no acknowledged write is lost.
/// <para>
/// A run is a pure function of its seed, so the test first runs the bootstrap alone to learn when
/// the transfer is on its way, then runs it again with the fault scheduled in the middle of that
/// window, and checks from the second trace that the fault really struck mid-transfer. Each test
/// prints its seed and reproducer.
/// </para>
/// </summary>
[Collection(SimulationCampaigns.Name)]
public sealed class SnapshotTransferFaultTests
{
    /// <summary>n3 is down past the backlog, then restarts on a lossy network (losses stretch the transfer to a window a fault can hit).</summary>
    private const string DownPastBacklog = "at 500ms crash n3; at 3s restart n3; at 3s flaky drop 40%";

    /// <summary>n3 loses power before it stored a single entry and joins 3 s later with an empty log: a new follower.</summary>
    private const string NewFollower = "at 1ms crash n3; at 3s restart n3; at 3s flaky drop 40%";

    [Theory]
    [InlineData("partition n1 | n2,n3", "heal", 500, 1)]
    [InlineData("partition n1 | n2,n3", "heal", 500, 2)]
    [InlineData("crash n1", "restart n1", 600, 1)]
    [InlineData("crash n1", "restart n1", 600, 3)]
    [InlineData("crash n3", "restart n3", 300, 1)]
    [InlineData("crash n3", "restart n3", 300, 2)]
    public void A_follower_bootstrapped_from_a_snapshot_converges_when_a_fault_strikes_mid_transfer(string fault, string repair, int forMs, int seed) =>
        RunWithFaultMidTransfer(DownPastBacklog, fault, repair, forMs, seed);

    [Theory]
    [InlineData("partition n1 | n2,n3", "heal", 500, 1)]
    [InlineData("crash n1", "restart n1", 600, 2)]
    [InlineData("crash n3", "restart n3", 300, 3)]
    public void A_new_follower_with_an_empty_log_is_bootstrapped_and_converges_when_a_fault_strikes_mid_transfer(string fault, string repair, int forMs, int seed) =>
        RunWithFaultMidTransfer(NewFollower, fault, repair, forMs, seed);

    private static void RunWithFaultMidTransfer(string bootstrap, string fault, string repair, int forMs, int seed)
    {
        var probe = Chorus.Simulation.Simulation.Run(Config(bootstrap, seed));
        var (probeStartedMs, probeInstalledMs) = FirstTransfer(probe.Trace);
        var faultAtMs = (long)Math.Ceiling(probeStartedMs + (((probeInstalledMs ?? (probeStartedMs + 100)) - probeStartedMs) / 2));
        var config = Config($"{bootstrap}; at {faultAtMs}ms {fault}; at {faultAtMs + forMs}ms {repair}", seed);

        var result = Chorus.Simulation.Simulation.Run(config);
        var (startedMs, installedMs) = FirstTransfer(result.Trace);
        TestContext.Current.SendDiagnosticMessage($"seed {config.Seed}: {config.Reproducer()}; first transfer {startedMs}–{installedMs} ms; {result.Stats.SnapshotsInstalled} snapshot(s) installed, {result.Stats.SnapshotResends} resends, {result.Stats.SnapshotRolledBackEntries} entries carried as rollbacks");

        Assert.True(startedMs < faultAtMs && (installedMs is null || installedMs > faultAtMs), $"the fault struck mid-transfer (first transfer {startedMs}–{installedMs} ms, fault at {faultAtMs} ms)");
        Assert.True(result.Stats.SnapshotsInstalled >= 1, "n3 was bootstrapped from a snapshot in the end");
        Assert.Equal(Verdict.Pass, result[CheckNames.Convergence].Verdict);
        Assert.NotEqual(Verdict.Fail, result[CheckNames.Prefix].Verdict);
        Assert.Equal(Verdict.Pass, result[CheckNames.AckedWriteLoss].Verdict);
        Assert.Empty(result.BrokenPromises);
    }

    private static SimulationConfig Config(string faults, int seed) => new()
    {
        Mode = "snapshot-catch-up",
        Workload = "list-append",
        Faults = faults,
        Seed = seed,
        Trace = true,
    };

    /// <summary>When n3's first transfer started, and when its snapshot was installed (null: that transfer never completed).</summary>
    private static (double StartedMs, double? InstalledMs) FirstTransfer(string trace)
    {
        var lines = trace.Split('\n');
        var started = lines.First(l => l.Contains("n3  needs a snapshot", StringComparison.Ordinal));
        var startedMs = TimeOf(started);
        var installed = lines.FirstOrDefault(l => l.Contains("n3  snapshot at", StringComparison.Ordinal) && l.Contains("restarting on it", StringComparison.Ordinal) && TimeOf(l) >= startedMs);
        var abandoned = lines.FirstOrDefault(l => l.Contains("n3  snapshot transfer abandoned", StringComparison.Ordinal) && TimeOf(l) >= startedMs);
        double? endMs = installed is null ? null : TimeOf(installed);
        if (abandoned is not null && (endMs is null || TimeOf(abandoned) < endMs))
        {
            endMs = null; // the first transfer was abandoned: it never completed
        }
        return (startedMs, endMs);
    }

    private static double TimeOf(string line) => double.Parse(line.AsSpan().TrimStart()[..line.TrimStart().IndexOf(' ', StringComparison.Ordinal)], CultureInfo.InvariantCulture);
}
