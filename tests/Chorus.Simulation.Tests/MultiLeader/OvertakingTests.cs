using Chorus.Simulation.MultiLeader;

namespace Chorus.Simulation.Tests.MultiLeader;

/// <summary>
/// DDIA ch. 5, figure 5-9 ("Multi-leader replication topologies"): with all-to-all links, a
/// change can overtake the change it depends on — site s1 writes, s2 sees it and writes again,
/// and s3 hears from s2 first because its link from s1 is slow. A naive site applies the later
/// change first; Chorus holds it back until the earlier one arrives.
/// </summary>
public sealed class OvertakingTests(ITestOutputHelper output)
{
    private static SiteSimConfig Scenario(bool naive) => new(11)
    {
        Partitions = false,
        ReorderProbability = 0,
        ClockSkewMsMax = 0,
        DurationMs = 3_000,
        SettleMs = 3_000,
        NaiveDelivery = naive,
        SlowLinks = new Dictionary<(string, string), long> { [("s1", "s3")] = 500 },
        Script =
        [
            (1_000, "s1", "row", "inserted at s1"),
            (1_200, "s2", "row", "updated at s2"),
        ],
    };

    [Fact]
    public void A_naive_site_applies_a_change_before_the_one_it_depends_on()
    {
        var result = SiteSimulation.Run(Scenario(naive: true));
        output.WriteLine(result.ToString());
        Assert.NotEmpty(result.Overtakes);
    }

    [Fact]
    public void Chorus_holds_the_later_change_back_until_the_earlier_one_arrives()
    {
        var result = SiteSimulation.Run(Scenario(naive: false));
        output.WriteLine(result.ToString());
        Assert.True(result.Ok, result.ToString());
        Assert.Equal("updated at s2", result.FinalValues["row"]);
    }
}
