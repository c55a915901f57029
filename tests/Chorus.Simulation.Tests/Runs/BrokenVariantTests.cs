using Chorus.Simulation.Checkers;
using Chorus.Simulation.Modes;
using Chorus.Simulation.Tests.Support;
using Chorus.Storage;

namespace Chorus.Simulation.Tests.Runs;

/// <summary>
/// A checker that never fires proves nothing: each deliberately broken variant is caught by the
/// checker meant to catch it within a few seeds, while the correct system passes the same seeds.
/// </summary>
[Collection(SimulationCampaigns.Name)]
public sealed class BrokenVariantTests
{
    [Theory]
    [InlineData("broken-follower-out-of-order", "list-append", "none", 3)]
    [InlineData("broken-ack-before-fsync", "list-append", "crash", 15)]
    [InlineData("broken-ryw-window", "sessions", "none", 3)]
    [InlineData("broken-statement-no-rewrite", "nondeterministic", "none", 3)]
    public void The_right_checker_catches_each_broken_variant_within_a_few_seeds(string mode, string workload, string faults, int seedsMax)
    {
        var check = ClusterModes.Named(mode).CaughtBy!;
        var report = Seeds.Run(new SimulationConfig { Mode = mode, Workload = workload, Faults = faults }, seedsMax);

        Assert.True(report[check].RunsViolated > 0, Seeds.Describe(report));
        Assert.True(report[check].Claimed, "the variant promises what it breaks");
        Assert.False(report.KeptPromises);
    }

    /// The same seeds, with a disk that really fsyncs before the leader acknowledges: nothing acknowledged is lost.
    [Fact]
    public void With_an_honest_disk_the_same_crashes_lose_no_acknowledged_write()
    {
        var report = Seeds.Run(new SimulationConfig { Mode = "async", Workload = "list-append", Faults = "crash", Durability = DurabilityPolicy.Always }, 15);
        Assert.Equal(0, report[CheckNames.AckedWriteLoss].RunsViolated);
        Assert.True(report.KeptPromises, Seeds.Describe(report));
    }
}
