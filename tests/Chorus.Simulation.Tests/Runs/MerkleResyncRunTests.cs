using Chorus.Simulation.Checkers;
using Chorus.Simulation.Tests.Support;

namespace Chorus.Simulation.Tests.Runs;

/// <summary>
/// DESIGN §4.3 with --follower-resync merkle: a follower down past the leader's backlog resyncs by
/// Merkle diff — production's core decides it, production's two resync sides compare the trees and
/// copy the differing rows — and converges under loss. Each test prints its seed and reproducer.
/// </summary>
[Collection(SimulationCampaigns.Name)]
public sealed class MerkleResyncRunTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void A_follower_down_past_the_backlog_resyncs_by_merkle_diff_under_loss_and_converges(int seed)
    {
        var config = new SimulationConfig
        {
            Mode = "merkle-catch-up",
            Workload = "list-append",
            Faults = "at 500ms crash n3; at 2500ms flaky drop 20% reorder 10%; at 3s restart n3; at 4500ms stable",
            Seed = seed,
        };
        var result = Chorus.Simulation.Simulation.Run(config);
        TestContext.Current.SendDiagnosticMessage($"seed {config.Seed}: {config.Reproducer()}; {result.Stats.MerkleResyncs} Merkle resync(s) of {result.Stats.SnapshotsInstalled} installs, {result.Stats.MerkleRowsCopied} rows copied");

        Assert.True(result.Stats.MerkleResyncs >= 1, "n3 resynced by Merkle diff");
        Assert.Equal(result.Stats.SnapshotsInstalled, result.Stats.MerkleResyncs);
        Assert.Equal(Verdict.Pass, result[CheckNames.Convergence].Verdict);
        Assert.NotEqual(Verdict.Fail, result[CheckNames.Prefix].Verdict);
        Assert.Equal(Verdict.Pass, result[CheckNames.AckedWriteLoss].Verdict);
        Assert.Empty(result.BrokenPromises);
    }
}
