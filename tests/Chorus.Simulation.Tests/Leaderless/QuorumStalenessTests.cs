using Chorus.Replication.Leaderless;
using Chorus.Simulation.Leaderless;

namespace Chorus.Simulation.Tests.Leaderless;

/// <summary>
/// DDIA ch. 5, "Quorums for reading and writing": with W + R &gt; N every read overlaps the
/// replicas of every acknowledged write; with W + R ≤ N it need not, and a read right after an
/// acknowledged write can miss it. Seeded simulator runs through the production node shell and
/// leaderless core; the seed is in every assertion message.
/// </summary>
public sealed class QuorumStalenessTests
{
    private static readonly LeaderlessSettings Strict = new() { SloppyQuorum = false, HintedHandoff = true };

    [Theory]
    [InlineData(11)]
    [InlineData(12)]
    public void With_W_plus_R_at_most_N_a_read_right_after_an_acknowledged_write_can_be_stale(int seed)
    {
        var result = StalenessRun.Run(seed, nodes: 3, Strict with { N = 3, W = 1, R = 1, ReadRepair = false, AntiEntropy = false }, clients: 8, durationMs: 3_000, faults: false);

        Assert.True(result.StaleReads > 0, result.ToString());
        Assert.Equal(0, result.NodeFailures);
    }

    [Theory]
    [InlineData(21, false)]
    [InlineData(22, true)]
    [InlineData(23, true)]
    public void With_W_plus_R_above_N_and_strict_quorums_no_read_is_stale_even_under_crashes_and_partitions(int seed, bool faults)
    {
        var result = StalenessRun.Run(seed, nodes: 3, Strict with { N = 3, W = 2, R = 2 }, clients: 8, durationMs: 6_000, faults);

        Assert.Equal(0, result.StaleReads);
        Assert.True(result.FreshReads > 100, result.ToString());
        Assert.Equal(0, result.NodeFailures);
    }

    /// A run is a pure function of its seed: the same seed gives the same counts.
    [Fact]
    public void A_leaderless_run_is_reproducible_from_its_seed()
    {
        var settings = Strict with { N = 3, W = 1, R = 1 };
        var first = StalenessRun.Run(5, 3, settings, clients: 4, durationMs: 1_500, faults: true);
        var second = StalenessRun.Run(5, 3, settings, clients: 4, durationMs: 1_500, faults: true);

        Assert.Equal(first.ToString(), second.ToString());
    }
}
