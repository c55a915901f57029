using Chorus.Simulation.Checkers;
using Chorus.Simulation.History;
using Chorus.Simulation.Tests.Support;

namespace Chorus.Simulation.Tests.Runs;

/// <summary>
/// Scripted failovers through the production election code (DESIGN §4.4): the leader isolated,
/// paused past the election timeout, or gone in manual mode. Each test prints its seed and reproducer.
/// </summary>
[Collection(SimulationCampaigns.Name)]
public sealed class FailoverTests
{
    private static RunResult Run(SimulationConfig config)
    {
        var result = Chorus.Simulation.Simulation.Run(config);
        TestContext.Current.SendDiagnosticMessage($"seed {config.Seed}: {config.Reproducer()}");
        return result;
    }

    private static IEnumerable<string> LeadersOtherThanN1(RunResult result) =>
        result.Roles.Where(r => r.IsLeader && r.Node != "n1").Select(r => r.Node).Distinct();

    /// Raft §5.2: followers that stop hearing from the leader elect one of themselves; clients follow the redirects.
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Isolating_the_leader_elects_a_new_one_and_loses_no_acknowledged_write_with_semi_sync(int seed)
    {
        var result = Run(new SimulationConfig { Mode = "failover-semi-sync-1", Workload = "list-append", Faults = "at 1s partition n1 | n2,n3; at 4s heal", Seed = seed });

        Assert.NotEmpty(LeadersOtherThanN1(result));
        Assert.Contains(result.History.Operations, o => o.IsAcknowledgedWrite && o.Node != "n1" && o.InvokedUs > 2_000_000);
        Assert.Equal(Verdict.Pass, result[CheckNames.AckedWriteLoss].Verdict);
        Assert.Equal(Verdict.Pass, result[CheckNames.ElectionSafety].Verdict);
        Assert.Empty(result.BrokenPromises);
    }

    /// A paused leader misses the election; when it thaws, it learns of the newer epoch (or its lease ran out) and steps down.
    [Fact]
    public void A_leader_paused_past_the_election_timeout_is_replaced_and_steps_down_when_it_resumes()
    {
        var result = Run(new SimulationConfig { Mode = "failover-semi-sync-1", Workload = "registers", Faults = "at 1s pause n1 for 2500ms", Seed = 4 });

        Assert.NotEmpty(LeadersOtherThanN1(result));
        var n1Last = result.Roles.Last(r => r.Node == "n1");
        Assert.False(n1Last.IsLeader && n1Last.Epoch < result.Roles.Max(r => r.Epoch));
        Assert.Empty(result.BrokenPromises);
    }

    /// DDIA ch. 5, "Leader failure: failover": with asynchronous replication the old leader's unreplicated writes are discarded — here, into its rollback record.
    [Fact]
    public void An_isolated_async_leader_keeps_acknowledging_until_its_lease_runs_out_and_those_writes_are_rolled_back()
    {
        var result = Run(new SimulationConfig { Mode = "failover-async", Workload = "list-append", Faults = "at 1s partition n1 | n2,n3; at 3500ms heal", Seed = 3 });

        var loss = result[CheckNames.AckedWriteLoss];
        Assert.Equal(Verdict.Fail, loss.Verdict);
        Assert.True(loss.Counts[AckedWriteLossChecker.RolledBack] > 0, loss.Note);
        Assert.All(loss.Violations, v => Assert.Contains("rolled back into n1's rollback record", v.Description, StringComparison.Ordinal));
        Assert.Empty(result.BrokenPromises);
    }

    /// The same, with a backlog of a few KB: by the heal the new leader has retired its log past
    /// the divergence, so the old leader reloads from a snapshot — and its unreplicated writes
    /// still go to its rollback record first, none lost without a record.
    [Fact]
    public void An_old_leader_that_returns_behind_the_retired_log_rolls_back_its_writes_before_its_snapshot()
    {
        var result = Run(new SimulationConfig { Mode = "failover-async-snapshot", Workload = "list-append", Faults = "at 1s partition n1 | n2,n3; at 5s heal", Seed = 3 });

        Assert.True(result.Stats.SnapshotsInstalled > 0, "n1 reloaded from a snapshot");
        var loss = result[CheckNames.AckedWriteLoss];
        Assert.True(loss.Counts[AckedWriteLossChecker.RolledBack] > 0, loss.Note);
        Assert.All(loss.Violations, v => Assert.Contains("rolled back into n1's rollback record", v.Description, StringComparison.Ordinal));
        Assert.Empty(result.BrokenPromises);
    }

    /// Failover manual: followers never stand for election; the preferred leader takes the lead back after the heal.
    [Fact]
    public void In_manual_mode_an_isolated_leader_steps_down_and_nobody_else_takes_over()
    {
        var result = Run(new SimulationConfig { Mode = "semi-sync-1", Workload = "registers", Faults = "at 1s partition n1 | n2,n3; at 3s heal", Seed = 2 });

        Assert.Empty(LeadersOtherThanN1(result));
        Assert.True(result.Stats.LeaderEpochs >= 2, "n1 lost its lease and was elected again");
        Assert.Contains(result.History.Operations, o => o.IsWrite && o.Outcome == OpOutcome.Failed && o.Error!.StartsWith("TRYAGAIN", StringComparison.Ordinal));
        Assert.Empty(result.BrokenPromises);
    }

    /// Manual failover (Redis 6.2's FAILOVER TO) under a lossy network: writes pause, the target
    /// catches up and takes over, writes resume there, and no acknowledged write is lost.
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void A_failover_hands_leadership_to_its_target_under_a_lossy_network_without_losing_a_write(int seed)
    {
        var result = Run(new SimulationConfig { Mode = "failover-semi-sync-1", Workload = "list-append", Faults = "at 1s flaky drop 10% dup 5% reorder 10%; at 2s failover n2; at 4s stable", Seed = seed });

        Assert.Contains(result.Roles, r => r.IsLeader && r.Node == "n2" && r.AtUs > 2_000_000);
        Assert.Contains(result.History.Operations, o => o.IsAcknowledgedWrite && o.InvokedUs > 3_000_000);
        Assert.Equal(Verdict.Pass, result[CheckNames.AckedWriteLoss].Verdict);
        Assert.Empty(result.BrokenPromises);
    }
}
