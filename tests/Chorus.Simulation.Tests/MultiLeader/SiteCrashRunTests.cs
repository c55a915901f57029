using Chorus.Core.Sites;
using Chorus.Simulation.MultiLeader;

namespace Chorus.Simulation.Tests.MultiLeader;

/// <summary>
/// Issue 11's simulator proof, with crashes: each conflict policy on each topology, while nodes
/// lose power and restart (site leaders and followers), links between sites fail, messages are
/// reordered and clocks are skewed. After healing every node has the same data, nothing was
/// applied twice or out of causal order, and every acknowledged write is in the state, superseded
/// by a write that saw it, or in a conflict log.
/// </summary>
public sealed class SiteCrashRunTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(31, "all-to-all", ConflictPolicy.Lww, null, 1)]
    [InlineData(32, "ring", ConflictPolicy.Lww, null, 2)]
    [InlineData(33, "star s2", ConflictPolicy.Lww, null, 1)]
    [InlineData(34, "all-to-all", ConflictPolicy.Siblings, null, 2)]
    [InlineData(35, "ring", ConflictPolicy.Siblings, null, 1)]
    [InlineData(36, "star s1", ConflictPolicy.Siblings, null, 2)]
    [InlineData(37, "ring", ConflictPolicy.Custom, "union", 2)]
    [InlineData(38, "star s3", ConflictPolicy.Custom, "max", 1)]
    [InlineData(39, "all-to-all", ConflictPolicy.Custom, "throwing", 1, Traits = ["Category", "Long"])]
    public void Every_policy_and_topology_converges_with_nothing_lost_while_nodes_crash_and_restart(int seed, string topology, ConflictPolicy policy, string? resolver, int nodesPerSite)
    {
        Assert.True(SiteTopology.TryParse(topology, out var parsed, out _));
        var result = Run(new SiteSimConfig(seed) { Topology = parsed, Policy = policy, Resolver = resolver, NodesPerSite = nodesPerSite, Crashes = true });
        Assert.True(result.Ok, result.ToString());
        Assert.True(result.NodesCrashed >= 2, result.ToString());
        Assert.True(result.Conflicts > 0, "the workload writes the same keys at several sites concurrently: " + result);
        Assert.True(result.WritesAcknowledged > 100, result.ToString());
        if (policy != ConflictPolicy.Lww)
        {
            Assert.Equal(0, result.LostValuesLogged); // siblings and custom keep every concurrent value
        }
    }

    /// <summary>Hashes, sets, sorted sets and PN-counters under crashes: every counter still equals the sum of its acknowledged increments.</summary>
    [Theory]
    [InlineData(41, "ring", ConflictPolicy.Siblings, 1)]
    [InlineData(42, "star s2", ConflictPolicy.Lww, 2)]
    public void Collections_and_counters_converge_while_nodes_crash_and_restart(int seed, string topology, ConflictPolicy policy, int nodesPerSite)
    {
        Assert.True(SiteTopology.TryParse(topology, out var parsed, out _));
        var result = Run(new SiteSimConfig(seed) { Topology = parsed, Policy = policy, Collections = true, NodesPerSite = nodesPerSite, Crashes = true });
        Assert.True(result.Ok, result.ToString());
        Assert.True(result.NodesCrashed >= 2, result.ToString());
        Assert.True(result.CountersChecked > 0 && result.IncrementsAcknowledged > 0, result.ToString());
    }

    private SiteRunResult Run(SiteSimConfig config)
    {
        var result = SiteSimulation.Run(config);
        output.WriteLine(result.ToString());
        return result;
    }
}
