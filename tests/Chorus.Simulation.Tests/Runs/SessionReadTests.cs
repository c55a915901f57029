using Chorus.Simulation.Checkers;
using Chorus.Simulation.Tests.Support;

namespace Chorus.Simulation.Tests.Runs;

/// <summary>
/// Read-your-writes and monotonic reads at followers (DDIA ch. 5), through the production read
/// gate, under chaos with failovers: each read carries the session's position (its latest
/// write's LSN, or the newest LSN a read of it was served at) and is answered only once the node
/// holds that far and what it read is committed. Before the commit wait, chaos seed 11 broke both
/// (a read showed a write a failover then rolled back; a node whose log had diverged at the
/// session's LSN passed the LSN check). `chorus sim --config failover-ryw-follower-reads` runs longer.
/// </summary>
[Collection(SimulationCampaigns.Name)]
public sealed class SessionReadTests
{
    public static TheoryData<string, string, string> Guarantees => new()
    {
        { "failover-ryw-follower-reads", "sessions", CheckNames.ReadYourWrites },
        { "failover-ryw-follower-reads", "list-append", CheckNames.ReadYourWrites },
        { "failover-monotonic-follower-reads", "sessions", CheckNames.MonotonicReads },
        { "failover-monotonic-follower-reads", "list-append", CheckNames.MonotonicReads },
    };

    [Theory]
    [MemberData(nameof(Guarantees))]
    public void Session_guarantees_hold_at_followers_across_failovers(string mode, string workload, string guarantee)
    {
        var report = Support.Seeds.Run(new SimulationConfig { Mode = mode, Workload = workload, Faults = "chaos" }, 20);

        Assert.True(report[guarantee].Claimed, Support.Seeds.Describe(report));
        Assert.Equal(0, report[guarantee].RunsViolated);
        Assert.True(report.KeptPromises, Support.Seeds.Describe(report));
    }

    /// The same reads without a guarantee (async-follower-reads, eventual) show the anomalies each level removes.
    [Fact]
    public void Eventual_reads_at_followers_show_the_anomalies()
    {
        var report = Support.Seeds.Run(new SimulationConfig { Mode = "async-follower-reads", Workload = "sessions", Faults = "chaos" }, 10);

        Assert.True(report[CheckNames.ReadYourWrites].RunsViolated > 0, Support.Seeds.Describe(report));
        Assert.True(report[CheckNames.MonotonicReads].RunsViolated > 0, Support.Seeds.Describe(report));
    }
}
