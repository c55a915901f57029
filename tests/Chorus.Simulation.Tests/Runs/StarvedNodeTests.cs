using Chorus.Simulation.Tests.Support;

namespace Chorus.Simulation.Tests.Runs;

/// <summary>
/// A busy machine must not churn leadership: a node whose loop rounds run late (a starved CPU,
/// thousands of client writes in one round) cannot hear anyone meanwhile, so its check-quorum
/// lease does not count that time (issue: 5 step-downs in a minute at load average 15).
/// </summary>
[Collection(SimulationCampaigns.Name)]
public sealed class StarvedNodeTests
{
    private static RunResult Run(SimulationConfig config)
    {
        var result = Chorus.Simulation.Simulation.Run(config);
        TestContext.Current.SendDiagnosticMessage($"seed {config.Seed}: {config.Reproducer()}");
        return result;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void A_leader_whose_rounds_run_late_keeps_leading_and_keeps_its_promises(int seed)
    {
        // Rounds up to 1.5 election timeouts apart (clients time out meanwhile); the followers
        // (manual failover) stay loyal, and the leader carries on once it gets the CPU back.
        var result = Run(new SimulationConfig { Mode = "semi-sync-1", Workload = "registers", Faults = "at 1s starve n1 1500ms for 3s", Seed = seed });

        Assert.Equal(1, result.Stats.LeaderEpochs);
        Assert.Contains(result.History.Operations, o => o.IsAcknowledgedWrite && o.InvokedUs > 4_500_000);
        Assert.Empty(result.BrokenPromises);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void A_starved_follower_does_not_depose_a_healthy_leader(int seed)
    {
        var result = Run(new SimulationConfig { Mode = "failover-semi-sync-1", Workload = "registers", Faults = "at 1s starve n3 1500ms for 4s", Seed = seed });

        Assert.Equal(1, result.Stats.LeaderEpochs);
        Assert.Empty(result.BrokenPromises);
    }
}
