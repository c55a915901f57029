using Chorus.Simulation.Tests.Support;

namespace Chorus.Simulation.Tests.Runs;

/// <summary>
/// WAIT numreplicas timeout (Redis semantics, DESIGN §4.2) issued by simulated clients after
/// each acknowledged write, through the production replica-wait service, with deadlines on the
/// simulated clock. Each answer is judged against the truth when it was given. Prints its seed.
/// </summary>
[Collection(SimulationCampaigns.Name)]
public sealed class ReplicaWaitTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Wait_counts_the_replicas_holding_the_write_and_times_out_while_one_is_partitioned_off(int seed)
    {
        var config = new SimulationConfig { Mode = "async-wait", Workload = "registers", Faults = "at 1500ms partition n1,n2 | n3; at 3s heal", Seed = seed };
        var result = Chorus.Simulation.Simulation.Run(config);
        TestContext.Current.SendDiagnosticMessage($"seed {config.Seed}: {config.Reproducer()}");
        var answered = result.Waits.Where(w => w.Answered).ToList();

        // Healthy: both followers confirm quickly. Cut off from n3: only n2 can, so WAIT 2 waits out its timeout.
        Assert.Contains(answered, w => w.CompletedUs < 1_500_000 && w.Replicas == 2);
        Assert.Contains(answered, w => w.InvokedUs > 1_600_000 && w.CompletedUs < 3_000_000 && w.TimedOut && w.Replicas == 1);
        Assert.Contains(answered, w => w.InvokedUs > 3_500_000 && w.Replicas == 2);
        // Never more replicas than hold the write, and never short of them before the timeout.
        Assert.All(answered, w => Assert.True(w.Replicas <= w.HoldersWhenAnswered, $"{w}: more replicas than hold the write"));
        Assert.All(answered.Where(w => w.TimedOut), w => Assert.True(w.CompletedUs - w.InvokedUs >= w.TimeoutMs * 1000, $"{w}: answered short before its timeout"));
        Assert.Empty(result.BrokenPromises);
    }
}
