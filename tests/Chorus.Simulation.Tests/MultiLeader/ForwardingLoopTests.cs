using Chorus.Core.Sites;
using Chorus.Simulation.MultiLeader;

namespace Chorus.Simulation.Tests.MultiLeader;

/// <summary>
/// DDIA ch. 5, "Multi-leader replication topologies": in a ring or a star a write passes through
/// several nodes, and "to prevent infinite replication loops, each node is given a unique
/// identifier, and in the replication log, each write is tagged with the identifiers of all the
/// nodes it has passed through". A naive site that passes on what it takes in as a change of its
/// own sends every write back to where it was made, which applies it again and sends it round
/// again, forever. Chorus tags each change with its origin and number: each write is taken in once
/// by every other site and never comes back.
/// </summary>
public sealed class ForwardingLoopTests(ITestOutputHelper output)
{
    /// <summary>Three writes, one at each site, then quiet (2 s by default).</summary>
    private static SiteSimConfig Scenario(string topology, bool naive, long quietMs = 2_000)
    {
        Assert.True(SiteTopology.TryParse(topology, out var parsed, out _));
        return new SiteSimConfig(61)
        {
            Topology = parsed,
            Partitions = false,
            ReorderProbability = 0,
            ClockSkewMsMax = 0,
            DurationMs = 2_000,
            SettleMs = quietMs,
            ForwardsOwnChanges = naive,
            Script =
            [
                (1_000, "s1", "a", "written at s1"),
                (1_100, "s2", "b", "written at s2"),
                (1_200, "s3", "c", "written at s3"),
            ],
        };
    }

    /// <summary>Through a star's hub the copies multiply (the hub sends each to every leaf), so the star runs only 0.3 s of quiet.</summary>
    [Theory]
    [InlineData("ring", 2_000)]
    [InlineData("star s1", 300)]
    public void A_site_that_forwards_changes_as_its_own_loops_them_forever(string topology, long quietMs)
    {
        var result = SiteSimulation.Run(Scenario(topology, naive: true, quietMs));
        output.WriteLine(result.ToString());
        Assert.NotEmpty(result.AppliedTwice);
        Assert.Contains(result.AppliedTwice, w => w.Contains("made at its own site", StringComparison.Ordinal));
        Assert.True(result.ChangesDelivered > 10 * 6, $"3 writes taken in {result.ChangesDelivered} times in all, still going round after {quietMs} ms of quiet: {result}");
    }

    [Theory]
    [InlineData("ring")]
    [InlineData("star s1")]
    public void Chorus_delivers_each_write_once_at_every_other_site(string topology)
    {
        var result = SiteSimulation.Run(Scenario(topology, naive: false));
        output.WriteLine(result.ToString());
        Assert.True(result.Ok, result.ToString());
        Assert.Equal(6, result.ChangesDelivered); // 3 writes × 2 other sites
        Assert.Equal("written at s3", result.FinalValues["c"]);
    }
}
