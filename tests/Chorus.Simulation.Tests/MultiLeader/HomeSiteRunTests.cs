using Chorus.Core;
using Chorus.Core.Sites;
using Chorus.Simulation.MultiLeader;

namespace Chorus.Simulation.Tests.MultiLeader;

/// <summary>
/// DDIA ch. 5, "Conflict avoidance": with a home site per key pattern, every write to such a key
/// is made at its home, whichever site the client sent it to, so those keys have no conflicts —
/// under partitions between sites too (a write whose home cannot be reached is refused, not made
/// elsewhere). When the home site fails and is declared failed, its keys' home moves to the next
/// site and writes to them go on there. Keys without a home keep conflicting, as before.
/// </summary>
public sealed class HomeSiteRunTests(ITestOutputHelper output)
{
    /// <summary>k0–k3 live at s1, k4–k5 at s2; k6 and k7 have no home.</summary>
    private static readonly IReadOnlyList<HomeRule> Homes = [new("k[0-3]", new NodeId("s1")), new("k[45]", new NodeId("s2"))];

    [Theory]
    [InlineData(31)]
    [InlineData(32)]
    public void Keys_with_a_home_have_no_conflicts_under_partitions_and_sites_converge(int seed)
    {
        var result = Run(new SiteSimConfig(seed) { Homes = Homes });
        Assert.True(result.Ok, result.ToString());
        Assert.True(result.WritesRouted > 100, result.ToString());
        Assert.True(result.WritesHomeUnreachable > 0, "partitions cut some sites off their keys' home: " + result);
        Assert.True(result.Conflicts > 0, "the keys without a home still conflict: " + result);
    }

    [Theory]
    [InlineData(33)]
    [InlineData(34)]
    public void A_failed_home_site_declared_failed_moves_its_keys_home_and_writes_go_on(int seed)
    {
        var result = Run(new SiteSimConfig(seed) { Homes = Homes, FailSite = "s1" });
        Assert.True(result.Ok, result.ToString());
        Assert.True(result.WritesRouted > 100, result.ToString());
        Assert.True(result.WritesAtMovedHome > 20, "after the declaration, s1's keys are written at s2: " + result);
    }

    [Fact]
    public void The_checker_catches_sites_that_do_not_route_writes_to_the_home()
    {
        var result = Run(new SiteSimConfig(35) { Homes = Homes, HomesNotRouted = true });
        Assert.False(result.Ok);
        Assert.NotEmpty(result.HomeViolations);
    }

    private SiteRunResult Run(SiteSimConfig config)
    {
        var result = SiteSimulation.Run(config);
        output.WriteLine(result.ToString());
        return result;
    }
}
