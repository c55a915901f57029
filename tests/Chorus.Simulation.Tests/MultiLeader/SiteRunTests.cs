using Chorus.Core.Sites;
using Chorus.Simulation.MultiLeader;

namespace Chorus.Simulation.Tests.MultiLeader;

/// <summary>
/// DDIA ch. 5, "Multi-Leader Replication": sites keep taking writes while the links between them
/// fail, and once the links heal every site has the same data; causally later changes never
/// overtake earlier ones; nothing is applied twice; no acknowledged write is silently lost.
/// </summary>
public sealed class SiteRunTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(1)]
    [InlineData(2, Traits = ["Category", "Long"])]
    [InlineData(3, Traits = ["Category", "Long"])]
    public void All_to_all_lww_sites_converge_under_partitions_reordering_and_skewed_clocks(int seed)
    {
        var result = Run(new SiteSimConfig(seed));
        Assert.True(result.Ok, result.ToString());
        Assert.True(result.Conflicts > 0, "the workload writes the same keys at several sites concurrently");
        Assert.True(result.WritesAcknowledged > 100, result.ToString());
    }

    [Theory]
    [InlineData("ring", 4)]
    [InlineData("star s2", 5)]
    public void Ring_and_star_forward_changes_without_loops_or_double_application(string topology, int seed)
    {
        Assert.True(SiteTopology.TryParse(topology, out var parsed, out _));
        var result = Run(new SiteSimConfig(seed) { Sites = 4, Topology = parsed });
        Assert.True(result.Ok, result.ToString());
        Assert.True(result.Duplicates > 0 || topology == "ring", "a star's hub hears some changes twice (resent after a partition) and drops them");
    }

    [Theory]
    [InlineData(6)]
    [InlineData(7)]
    public void Siblings_policy_keeps_concurrent_values_and_sites_converge(int seed)
    {
        var result = Run(new SiteSimConfig(seed) { Policy = ConflictPolicy.Siblings });
        Assert.True(result.Ok, result.ToString());
        Assert.Equal(0, result.LostValuesLogged);
    }

    /// <summary>
    /// Topology and failed sites change at runtime, at random site leaders, while sites write and
    /// links fail: every site (followers too) ends with the same settings and the same data,
    /// nothing is lost or applied twice — changes trimmed under the old routes are sent again
    /// from the log on the new ones.
    /// </summary>
    [Theory]
    [InlineData(21, 1)]
    [InlineData(22, 1, Traits = ["Category", "Long"])]
    [InlineData(23, 2)]
    public void Sites_converge_while_the_topology_and_failed_sites_change_at_runtime(int seed, int nodesPerSite)
    {
        var result = Run(new SiteSimConfig(seed) { Sites = 4, NodesPerSite = nodesPerSite, SettingsChanges = true });
        Assert.True(result.Ok, result.ToString());
        Assert.True(result.SettingsChanged >= 3, result.ToString());
    }

    [Fact]
    public void Sites_with_two_nodes_each_converge()
    {
        var result = Run(new SiteSimConfig(8) { NodesPerSite = 2, DurationMs = 6_000 });
        Assert.True(result.Ok, result.ToString());
    }

    /// <summary>
    /// The CRDT bullet: hashes merge field by field, sets as add-wins OR-sets, sorted sets
    /// member by member, counters as PN-counters — under partitions, reordering and skewed clocks,
    /// every site ends with the same data, and each counter is the sum of its acknowledged increments.
    /// </summary>
    [Theory]
    [InlineData(11, "all-to-all", ConflictPolicy.Lww)]
    [InlineData(12, "all-to-all", ConflictPolicy.Siblings)]
    [InlineData(13, "ring", ConflictPolicy.Lww)]
    [InlineData(14, "star s1", ConflictPolicy.Lww)]
    public void Collections_and_counters_converge_element_by_element(int seed, string topology, ConflictPolicy policy)
    {
        Assert.True(SiteTopology.TryParse(topology, out var parsed, out _));
        var result = Run(new SiteSimConfig(seed) { Collections = true, Topology = parsed, Policy = policy });
        Assert.True(result.Ok, result.ToString());
        Assert.True(result.CountersChecked > 0, result.ToString());
        Assert.True(result.ChangesDelivered > 100, result.ToString());
    }

    /// <summary>
    /// Custom resolvers: every site shows the same merge of the same concurrent values; a resolver
    /// that throws is counted, the siblings stay, and the sites still converge (replication never stops).
    /// </summary>
    [Theory]
    [InlineData(16, "union", false)]
    [InlineData(17, "max", true)]
    [InlineData(18, "throwing", false)]
    [InlineData(19, "throwing", true)]
    public void Custom_resolvers_converge_and_a_throwing_one_never_stops_replication(int seed, string resolver, bool collections)
    {
        var result = Run(new SiteSimConfig(seed) { Policy = ConflictPolicy.Custom, Resolver = resolver, Collections = collections });
        Assert.True(result.Ok, result.ToString());
        Assert.Equal(0, result.LostValuesLogged);
        Assert.True(resolver == "throwing" ? result.ResolverFailures > 0 : result.ResolverFailures == 0, result.ToString());
    }

    [Fact]
    public void Collections_converge_with_two_nodes_per_site()
    {
        var result = Run(new SiteSimConfig(15) { Collections = true, NodesPerSite = 2, DurationMs = 6_000 });
        Assert.True(result.Ok, result.ToString());
        Assert.True(result.CountersChecked > 0, result.ToString());
    }

    /// A counter kept as a last-write-wins string is caught: concurrent increments overwrite each other.
    [Fact]
    public void Counters_as_lww_strings_are_caught_losing_increments()
    {
        var result = Run(new SiteSimConfig(11) { Collections = true, CountersAsLww = true });
        Assert.NotEmpty(result.CounterMismatches);
    }

    /// A broken LWW that forgets its losers is caught: acknowledged writes vanish without a trace.
    [Fact]
    public void Lww_without_a_conflict_log_is_caught_losing_acknowledged_writes()
    {
        var result = Run(new SiteSimConfig(1) { ForgetLosers = true });
        Assert.NotEmpty(result.LostWrites);
    }

    private SiteRunResult Run(SiteSimConfig config)
    {
        var result = SiteSimulation.Run(config);
        output.WriteLine(result.ToString());
        return result;
    }
}
