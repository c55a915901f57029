using Chorus.Core.Sites;
using Chorus.Simulation.MultiLeader;

namespace Chorus.Simulation.Tests.MultiLeader;

/// <summary>
/// DDIA ch. 5, "Detecting Concurrent Writes": a timestamp orders any two writes, but cannot say
/// whether the later writer had seen the earlier value — only version vectors can. Each run drives
/// Chorus's sites (partitions, reordering, skewed clocks) and feeds exactly what their leaders took
/// in, in the same order, to sites that decide by timestamps alone (<see cref="TimestampOnlySites"/>);
/// both are checked the same way.
/// </summary>
public sealed class TimestampOnlyTests(ITestOutputHelper output)
{
    /// <summary>
    /// Siblings need version vectors: without them a site takes a newer concurrent value as an
    /// overwrite and drops the older one at one site while another site, which got them the other way
    /// round, keeps both — the sites diverge and concurrent writes vanish at some. Chorus keeps
    /// exactly the concurrent values everywhere. (A later write at a site hides the damage — it
    /// supersedes the values either way — so the run writes 32 keys: many still hold concurrent
    /// values when it ends.)
    /// </summary>
    [Theory]
    [InlineData(71)]
    [InlineData(72)]
    public void Siblings_by_timestamps_diverge_and_drop_concurrent_values_and_chorus_does_not(int seed)
    {
        var result = Run(new SiteSimConfig(seed) { Policy = ConflictPolicy.Siblings, Keys = 32, CompareTimestampOnly = true });
        Assert.True(result.Ok, result.ToString());
        var naive = result.TimestampOnly!;
        Assert.NotEmpty(naive.Diverged);
        Assert.NotEmpty(naive.LostWrites);
    }

    /// <summary>
    /// Without version vectors at all — no frontier on changes either, so they are applied as they
    /// arrive — a write that overtook the one it overwrote makes the older one look like a conflict:
    /// a false alarm in the conflict log. Chorus, given the same arrivals, compares the keys' version
    /// vectors and reports only conflicts between concurrent writes.
    /// </summary>
    [Fact]
    public void Lww_by_timestamps_on_arrival_order_reports_conflicts_that_were_overwrites()
    {
        var result = Run(new SiteSimConfig(73) { NaiveDelivery = true, ReorderProbability = 0.3, CompareTimestampOnly = true });
        Assert.Empty(result.WrongConflicts);
        Assert.Empty(result.LostWrites);
        Assert.NotEmpty(result.TimestampOnly!.WrongConflicts);
    }

    /// <summary>
    /// What version vectors are not needed for: with causal delivery (which the changes' frontiers,
    /// themselves version vectors, give) and hybrid logical clocks (a write's timestamp is later than
    /// everything its site had seen), last-write-wins by timestamp reports exactly the concurrent
    /// losers. Kept as a test so that the claim stays true.
    /// </summary>
    [Fact]
    public void Lww_by_timestamps_with_causal_delivery_and_hybrid_clocks_loses_nothing()
    {
        var result = Run(new SiteSimConfig(74) { CompareTimestampOnly = true });
        Assert.True(result.Ok, result.ToString());
        Assert.True(result.TimestampOnly!.Ok, result.ToString());
    }

    private SiteRunResult Run(SiteSimConfig config)
    {
        var result = SiteSimulation.Run(config);
        output.WriteLine(result.ToString());
        return result;
    }
}
