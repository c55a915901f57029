using Chorus.Core;
using Chorus.Core.Sites;
using Chorus.Simulation.MultiLeader;

namespace Chorus.Simulation.Tests.MultiLeader;

/// <summary>
/// DDIA ch. 5, "Conflict avoidance", and its caveat: when a failed home site comes back, moving its
/// keys' home back before it has the writes its successor made to them meanwhile would let it write
/// those keys concurrently with them — the conflicts the home rule avoids. Recovering is a handover:
/// the site is back on the routes at once and catches up, and its successor gives the keys back only
/// once the site has committed everything the successor had. The workload keeps writing the keys at
/// every site (the recovered one included) through the whole handover.
/// </summary>
public sealed class HomeHandoverTests(ITestOutputHelper output)
{
    /// <summary>k0–k3 live at s1 (which fails, and comes back), k4–k5 at s2; k6 and k7 have no home.</summary>
    private static readonly IReadOnlyList<HomeRule> Homes = [new("k[0-3]", new NodeId("s1")), new("k[45]", new NodeId("s2"))];

    public static TheoryData<int, string> Topologies => new()
    {
        { 41, "all-to-all" },
        { 42, "all-to-all" },
        { 113, "ring" },      // s2, s1's successor, sends only to s3: it asks s1 for its frontier directly
        { 44, "star s3" },    // s1 and s2 are leaves: neither sends to the other
    };

    [Theory]
    [MemberData(nameof(Topologies))]
    public void A_recovered_home_takes_its_keys_writes_only_once_it_has_its_successors_writes_to_them(int seed, string topology)
    {
        var result = Run(Config(seed, topology));
        Assert.True(result.Ok, result.ToString());
        Assert.True(result.WritesAtMovedHome > 10, "while s1 is away its keys are written at s2: " + result);
        Assert.True(result.HandoversCompleted >= 1 && result.HandoverMs is not null, "s2 hands s1's keys back: " + result);
        Assert.True(result.WritesAtReturnedHome > 10, "after the handover s1 writes its keys again, during the workload: " + result);
    }

    /// <summary>
    /// Where s1 gets s2's changes only through s3 (a ring, a star around s3), moving the homes back
    /// at once lets s1 write its keys before it has s2's writes to them.
    /// </summary>
    [Theory]
    [InlineData(47, "ring")]
    [InlineData(48, "star s3")]
    public void The_checker_catches_a_recovery_that_moves_the_homes_back_at_once(int seed, string topology)
    {
        var result = Run(Config(seed, topology) with { RecoverWithoutHandover = true });
        Assert.False(result.Ok);
        Assert.Contains(result.HomeViolations, v => v.Contains("without s2's version", StringComparison.Ordinal));
    }

    private static SiteSimConfig Config(int seed, string topology)
    {
        Assert.True(SiteTopology.TryParse(topology, out var parsed, out _));
        return new SiteSimConfig(seed) { Homes = Homes, FailSite = "s1", RecoverAtMs = 6_000, Topology = parsed };
    }

    private SiteRunResult Run(SiteSimConfig config)
    {
        var result = SiteSimulation.Run(config);
        output.WriteLine($"{config.Topology}: {result}");
        return result;
    }
}
