using Chorus.Core.Sites;
using Chorus.Simulation.MultiLeader;

namespace Chorus.Simulation.Tests.MultiLeader;

/// <summary>
/// DDIA ch. 5, "Custom conflict resolution logic — on read", through the production nodes: two
/// sites put different carts in one key at once (concurrent); a third site reads the key, the
/// built-in <c>cart</c> resolver's on-read handler merges the carts, and the site writes the merge
/// back with the causal context it read. The merge replicates and replaces both carts at every
/// site. A write-back whose key changed after the read (another site wrote a newer cart that had
/// seen both) is refused, so the newer cart is never overwritten unseen.
/// </summary>
public sealed class ReadResolutionTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void A_resolution_written_back_with_the_context_it_read_replaces_exactly_those_siblings_everywhere(int seed)
    {
        var result = Run(seed, writeBackAfterMs: 100);
        Assert.True(result.Ok, result.ToString());
        Assert.Equal(["cart:1 written", "cart:2 written"], result.WriteBacks);
        Assert.Equal("eggs,milk,tea", result.FinalValues["cart:1"]);
        Assert.Equal(1, result.FinalSiblings["cart:1"]);
        Assert.Equal(1, result.FinalSiblings["cart:2"]);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void A_write_back_whose_key_changed_since_the_read_is_refused_and_the_newer_value_stays(int seed)
    {
        // s3 reads both carts at 1500 ms and writes back at 1900 ms; s2 writes "bread" (having seen
        // both carts) at 1600 ms, which reaches s3 before the write-back.
        var result = Run(seed, writeBackAfterMs: 400, [(1_600, "s2", "cart:1", "bread")]);
        Assert.True(result.Ok, result.ToString());
        Assert.Contains("cart:1 refused", result.WriteBacks);
        Assert.Equal("bread", result.FinalValues["cart:1"]);
        Assert.Equal(1, result.FinalSiblings["cart:1"]);
    }

    [Fact]
    public void Without_a_read_the_siblings_stay()
    {
        var result = SiteSimulation.Run(Scenario(1, 100, []) with { ReadsResolved = [] });
        output.WriteLine(result.ToString());
        Assert.True(result.Ok, result.ToString());
        Assert.Equal(2, result.FinalSiblings["cart:1"]);
    }

    private SiteRunResult Run(int seed, long writeBackAfterMs, IReadOnlyList<(long, string, string, string)>? more = null)
    {
        var result = SiteSimulation.Run(Scenario(seed, writeBackAfterMs, more ?? []));
        output.WriteLine(result.ToString() + "\n  write-backs: " + string.Join(", ", result.WriteBacks));
        return result;
    }

    private static SiteSimConfig Scenario(int seed, long writeBackAfterMs, IReadOnlyList<(long, string, string, string)> more) => new(seed)
    {
        Policy = ConflictPolicy.Custom,
        Resolver = "cart",
        Partitions = false,
        ReorderProbability = 0,
        DurationMs = 3_000,
        SettleMs = 3_000,
        Script =
        [
            (1_000, "s1", "cart:1", "milk,tea"),
            (1_000, "s2", "cart:1", "eggs,milk"),
            (1_000, "s1", "cart:2", "a"),
            (1_000, "s3", "cart:2", "b"),
            .. more,
        ],
        ReadsResolved = [(1_500, "s3", "cart:1", writeBackAfterMs), (2_000, "s1", "cart:2", writeBackAfterMs)],
    };
}
