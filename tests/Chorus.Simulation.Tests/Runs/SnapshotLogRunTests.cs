using System.Globalization;
using System.Text.RegularExpressions;
using Chorus.Simulation.Checkers;
using Chorus.Simulation.Tests.Support;

namespace Chorus.Simulation.Tests.Runs;

/// <summary>
/// DESIGN §4.3: a snapshot leaves out the log the joiner will never read — the committed entries
/// before its position — and the joiner, restarted on that shortened log, still takes the log
/// after the snapshot from the leader, converges and loses no acknowledged write. Each test prints
/// its seed and reproducer.
/// </summary>
[Collection(SimulationCampaigns.Name)]
public sealed partial class SnapshotLogRunTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void A_follower_restarted_on_a_snapshot_without_the_committed_log_catches_up_and_converges(int seed)
    {
        var config = new SimulationConfig
        {
            Mode = "snapshot-catch-up",
            Workload = "list-append",
            Faults = "at 500ms crash n3; at 3s restart n3",
            Seed = seed,
            Trace = true,
        };
        var result = Chorus.Simulation.Simulation.Run(config);
        var leftOut = LeftOut().Matches(result.Trace).Select(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).ToList();
        TestContext.Current.SendDiagnosticMessage($"seed {config.Seed}: {config.Reproducer()}; {result.Stats.SnapshotsInstalled} snapshot(s) installed; log rows left out per snapshot: {string.Join(", ", leftOut)}");

        Assert.True(result.Stats.SnapshotsInstalled >= 1, "n3 was bootstrapped from a snapshot");
        Assert.Contains(leftOut, rows => rows > 0);
        Assert.Equal(Verdict.Pass, result[CheckNames.Convergence].Verdict);
        Assert.NotEqual(Verdict.Fail, result[CheckNames.Prefix].Verdict);
        Assert.Equal(Verdict.Pass, result[CheckNames.AckedWriteLoss].Verdict);
        Assert.Empty(result.BrokenPromises);
    }

    [GeneratedRegex(@"rows to copy, (\d+) of the committed log's left out")]
    private static partial Regex LeftOut();
}
