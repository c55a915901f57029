using Chorus.Simulation.Checkers;
using Chorus.Simulation.History;
using Chorus.Simulation.Tests.Support;
using Chorus.Simulation.Workloads;

namespace Chorus.Simulation.Tests.Runs;

/// <summary>
/// Writes sent to any node, followers forwarding them to the leader (DESIGN §4.4, production's
/// default replica-writes forward) through the node shell's forwarding service, over the
/// simulated network with its faults. Each test prints its seed and reproducer.
/// </summary>
[Collection(SimulationCampaigns.Name)]
public sealed class ForwardingTests
{
    private static RunResult Run(SimulationConfig config)
    {
        var result = Chorus.Simulation.Simulation.Run(config);
        TestContext.Current.SendDiagnosticMessage($"seed {config.Seed}: {config.Reproducer()}");
        return result;
    }

    /// A lossy network, then the leader cut off: forwarded writes are acknowledged, none of those is
    /// lost, and one whose answer never came is reported in doubt — never as failed, so the client
    /// does not retry it and no append is applied twice or applied after being reported failed.
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Forwarded_writes_under_loss_and_a_partition_lose_nothing_acknowledged_and_report_unknown_outcomes_as_such(int seed)
    {
        var result = Run(new SimulationConfig
        {
            Mode = "failover-forwarding",
            Workload = "list-append",
            Faults = "at 500ms flaky drop 15% reorder 10%; at 2s partition n1 | n2,n3; at 3500ms heal; at 4s stable",
            Seed = seed,
        });

        Assert.True(result.Stats.ForwardedWrites > 0, "followers forwarded writes");
        Assert.Contains(result.History.Operations, o => o.IsAcknowledgedWrite && o.Node != "n1" && o.InvokedUs < 2_000_000);
        Assert.Contains(result.History.Operations, o => o.IsWrite && o.Outcome == OpOutcome.Indeterminate && o.Error is { } e && e.Contains("may or may not have been applied", StringComparison.Ordinal));
        Assert.Equal(Verdict.Pass, result[CheckNames.AckedWriteLoss].Verdict);
        AssertNoAppendAppliedTwiceOrAfterFailing(result);
        Assert.Empty(result.BrokenPromises);
    }

    /// A follower's forwarded write whose leader is paused past the forwarding timeout: the follower
    /// answers "in doubt" itself (before the client's own timeout), and the write may still land.
    [Fact]
    public void A_forward_to_a_paused_leader_is_answered_in_doubt_by_the_follower()
    {
        var result = Run(new SimulationConfig { Mode = "failover-forwarding", Workload = "list-append", Faults = "at 1s pause n1 for 2500ms", Seed = 5 });

        Assert.Contains(result.History.Operations, o => o.IsWrite && o.Outcome == OpOutcome.Indeterminate && o.Node != "n1"
            && o.Error is { } e && (e.Contains("forwarded write", StringComparison.Ordinal) || e.Contains("leadership moved", StringComparison.Ordinal)));
        Assert.Equal(Verdict.Pass, result[CheckNames.AckedWriteLoss].Verdict);
        AssertNoAppendAppliedTwiceOrAfterFailing(result);
        Assert.Empty(result.BrokenPromises);
    }

    /// A write told "not applied" (a definite failure) must not be in the final state, and no token twice (a retried write applied twice).
    private static void AssertNoAppendAppliedTwiceOrAfterFailing(RunResult result)
    {
        var failed = result.History.Operations.Where(o => o.Kind == OpKind.Append && o.Outcome == OpOutcome.Failed).Select(o => o.Value!).ToHashSet(StringComparer.Ordinal);
        foreach (var (key, value) in result.FinalValues)
        {
            var tokens = AppendList.Parse(value);
            Assert.Equal(tokens.Count, tokens.Distinct(StringComparer.Ordinal).Count());
            Assert.DoesNotContain(tokens, t => failed.Contains(t));
        }
    }
}
