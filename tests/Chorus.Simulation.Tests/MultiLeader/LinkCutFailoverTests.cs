using Chorus.Simulation.MultiLeader;

namespace Chorus.Simulation.Tests.MultiLeader;

/// <summary>
/// CHORUS.LINK CUT is the fault hook for "the network between datacenters failed"; it must hold
/// while the site's leadership moves (DDIA ch. 5, "Handling node outages", inside a site): the cut
/// is part of the site's replicated settings, so the new leader keeps the link cut — none of the
/// site's changes reach another site until an operator heals it at the new leader — and healing
/// there lets them through, and the sites converge.
/// </summary>
public sealed class LinkCutFailoverTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(51)]
    [InlineData(52)]
    public void A_cut_link_stays_cut_when_the_sites_leadership_moves_and_heals_at_the_new_leader(int seed)
    {
        var result = SiteSimulation.Run(new SiteSimConfig(seed)
        {
            NodesPerSite = 2,
            Partitions = false,
            DurationMs = 6_000,
            CutAcrossFailover = (1_000, 3_000),
        });
        output.WriteLine(result.ToString());
        Assert.True(result.Ok, result.ToString());
        Assert.NotNull(result.CutHeldAcross); // s1's leader changed during the cut
        Assert.True(result.WritesWhileCut > 10, "s1 kept taking writes while cut off: " + result);
    }
}
