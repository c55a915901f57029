using Chorus.Replication.Leaderless;
using Chorus.Simulation.Leaderless;

namespace Chorus.Simulation.Tests.Leaderless;

/// <summary>
/// Random fault runs (DDIA ch. 5, "Leaderless replication"; ch. 8 for the clocks): five nodes,
/// N = 3, W = 2, R = 2, clients writing through random nodes while nodes crash, get cut off, the
/// cluster splits, links lose, duplicate and reorder messages and clocks step up to 2 s either
/// way. After the heal, every home replica of every key must hold the same versions with no hint
/// left (hinted handoff and anti-entropy did their work), and no acknowledged write may be lost (a
/// sibling counts as kept). 200 seeds of each are measured in docs/leaderless.md.
/// </summary>
public sealed class LeaderlessFaultRunTests
{
    [Theory]
    [InlineData(1, true)]
    [InlineData(2, true)]
    [InlineData(3, false)]
    public void After_random_faults_and_clock_skew_the_replicas_converge_and_keep_every_acknowledged_write(int seed, bool sloppy)
    {
        var run = LeaderlessFaultRun.Run(seed, new LeaderlessSettings { N = 3, W = 2, R = 2, SloppyQuorum = sloppy }, durationMs: 4_000);

        Assert.True(run.Passed, run.ToString());
        Assert.True(run.WritesAcknowledged > 100 && run.ClockSteps + run.Crashes + run.Partitions + run.Splits > 2, run.ToString());
    }

    /// Without hinted handoff, read repair and anti-entropy nothing brings a replica that missed
    /// writes up to date: the convergence check must catch it.
    [Fact]
    public void Without_any_repair_the_convergence_check_fails()
    {
        var broken = new LeaderlessSettings { N = 3, W = 2, R = 2, HintedHandoff = false, ReadRepair = false, AntiEntropy = false };
        var runs = new[] { 1, 2 }.Select(seed => LeaderlessFaultRun.Run(seed, broken, durationMs: 4_000)).ToList();

        Assert.True(runs.Any(r => !r.Converged), string.Join('\n', runs));
    }
}
