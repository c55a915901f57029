using Chorus.Simulation.Checkers;
using Chorus.Simulation.History;
using Chorus.Simulation.Tests.Support;

namespace Chorus.Simulation.Tests.Runs;

/// <summary>
/// Linearizable ("strong") reads through the production read gate and the core's read index
/// (Raft thesis §6.4), under failovers: the known gap — a deposed leader that has not noticed yet
/// serves stale reads, and a leader's read can see a write that a failover rolls back — closed.
/// Every run prints its seed; `chorus sim --config failover-strong-reads --seeds N` runs longer.
/// </summary>
[Collection(SimulationCampaigns.Name)]
public sealed class StrongReadTests
{
    private const string IsolateTheLeader = "at 1s partition n1 | n2,n3; at 3s heal";
    private const int Seeds = 6;

    /// DDIA ch. 9, "Linearizability": without a read index, the cut-off leader keeps answering
    /// reads from its own state while n2 or n3 leads and takes writes; with one, it cannot
    /// confirm its leadership, so it refuses (TRYAGAIN) and the client finds the new leader.
    [Fact]
    public void An_isolated_leader_serves_stale_reads_without_a_read_index_and_refuses_them_with_one()
    {
        var plain = Support.Seeds.Run(new SimulationConfig { Mode = "failover-semi-sync-1", Workload = "registers", Faults = IsolateTheLeader }, Seeds);
        var strong = Support.Seeds.Run(new SimulationConfig { Mode = "failover-strong-reads", Workload = "registers", Faults = IsolateTheLeader }, Seeds);

        Assert.True(plain[CheckNames.Linearizability].RunsViolated > 0, Support.Seeds.Describe(plain));
        Assert.Equal(0, strong[CheckNames.Linearizability].RunsViolated);
        Assert.Equal(0, strong[CheckNames.Linearizability].RunsUnknown);
        Assert.True(strong.KeptPromises, Support.Seeds.Describe(strong));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Reads_the_isolated_leader_cannot_confirm_are_refused_and_served_by_the_new_leader(int seed)
    {
        var config = new SimulationConfig { Mode = "failover-strong-reads", Workload = "registers", Faults = IsolateTheLeader, Seed = seed };
        var result = Chorus.Simulation.Simulation.Run(config);
        TestContext.Current.SendDiagnosticMessage($"seed {seed}: {config.Reproducer()}");

        var reads = result.History.Operations.Where(o => o.Kind == OpKind.Read && o.Outcome == OpOutcome.Ok).ToList();
        Assert.DoesNotContain(reads, o => o.Node == "n1" && o.InvokedUs > 1_100_000 && o.CompletedUs < 3_000_000);
        Assert.Contains(reads, o => o.Node != "n1" && o.InvokedUs is > 1_500_000 and < 3_000_000);
        Assert.Equal(Verdict.Pass, result[CheckNames.Linearizability].Verdict);
        Assert.Empty(result.BrokenPromises);
    }

    public static TheoryData<string, string, string> Campaigns => new()
    {
        { "failover-strong-reads", "registers", "chaos" },
        { "failover-strong-follower-reads", "registers", "chaos" },
        { "failover-strong-lease-reads", "registers", "chaos" },
        { "failover-strong-follower-reads", "sessions", "network" },
    };

    /// Each strong mode promises linearizability and every session guarantee; chaos includes
    /// partitions, crashes, pauses, clock skew and drift, so failovers happen in most runs.
    [Theory]
    [MemberData(nameof(Campaigns))]
    public void Strong_reads_stay_linearizable_under_faults(string mode, string workload, string faults)
    {
        var report = Support.Seeds.Run(new SimulationConfig { Mode = mode, Workload = workload, Faults = faults }, 30);

        Assert.True(report.KeptPromises, Support.Seeds.Describe(report));
        Assert.True(report[CheckNames.Linearizability].Claimed || workload != "registers");
        Assert.True(report.Operations > 30 * 200, Support.Seeds.Describe(report));
    }
}
