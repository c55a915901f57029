using Chorus.Simulation.Checkers;
using Chorus.Simulation.History;
using Chorus.Simulation.Tests.Support;
using Chorus.Storage;

namespace Chorus.Simulation.Tests.Runs;

/// <summary>Scripted faults do what they say, through the production driver.</summary>
[Collection(SimulationCampaigns.Name)]
public sealed class FaultBehaviourTests
{
    private static RunResult Run(SimulationConfig config)
    {
        var result = Chorus.Simulation.Simulation.Run(config);
        TestContext.Current.SendDiagnosticMessage($"seed {config.Seed}: {config.Reproducer()}");
        return result;
    }

    /// fsync=everysec: a power loss of the leader loses at most what was acknowledged after the
    /// last background fsync. In manual failover the preferred leader then returns with a shorter
    /// log than its followers, cannot win their votes, and the operator elects the most up-to-date
    /// follower — so what the followers received survives, and only the unreplicated end is lost.
    [Fact]
    public void A_leader_power_loss_under_fsync_everysec_loses_only_the_last_unsynced_second()
    {
        var operatorElected = false;
        for (var seed = 1; seed <= 5; seed++)
        {
            var config = new SimulationConfig { Mode = "async", Workload = "list-append", Faults = "at 3500ms crash n1; at 4s restart n1", Seed = seed };
            var result = Run(config);
            var lost = result[CheckNames.AckedWriteLoss].Violations.SelectMany(v => v.Operations).Select(id => result.History[id - 1]).ToList();
            Assert.All(lost, op => Assert.InRange(op.CompletedUs, 2_500_000, 3_500_000));
            operatorElected |= result.Stats.OperatorElections > 0;
            Assert.Empty(result.BrokenPromises);

            var always = Run(config with { Durability = DurabilityPolicy.Always });
            Assert.Equal(Verdict.Pass, always[CheckNames.AckedWriteLoss].Verdict);
            Assert.Empty(always.BrokenPromises);
        }
        Assert.True(operatorElected, "in some seed n1 came back behind its followers and the operator elected one of them");
    }

    [Fact]
    public void Writes_to_a_paused_leader_time_out_as_indeterminate_and_everything_still_holds()
    {
        var result = Run(new SimulationConfig { Mode = "async", Workload = "registers", Faults = "at 1s pause n1 for 1500ms", Seed = 3 });
        Assert.Contains(result.History.Operations, o => o.IsWrite && o.Outcome == OpOutcome.Indeterminate && o.Error == "timeout");
        Assert.Empty(result.BrokenPromises);
    }

    [Fact]
    public void A_partitioned_follower_catches_up_after_the_heal()
    {
        var result = Run(new SimulationConfig { Mode = "async-follower-reads", Workload = "list-append", Faults = "at 1s partition n1 | n2,n3; at 3s heal; at 3500ms cut n1 -> n3; at 4s heal", Seed = 5 });
        Assert.Equal(Verdict.Pass, result[CheckNames.Convergence].Verdict);
        Assert.Equal(Verdict.Pass, result[CheckNames.Prefix].Verdict);
        Assert.Equal(Verdict.Fail, result[CheckNames.MonotonicReads].Verdict); // a second of lag shows
    }

    [Fact]
    public void Skewed_and_drifting_clocks_break_nothing_single_leader_promises()
    {
        var result = Run(new SimulationConfig { Mode = "semi-sync-1", Workload = "registers", Faults = "at 1s skew n1 -2s; at 1s drift n2 20000ppm; at 2s skew n3 +5s", Seed = 9 });
        Assert.Empty(result.BrokenPromises);
    }
}
