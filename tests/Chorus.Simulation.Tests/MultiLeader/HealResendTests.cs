using Chorus.Core.Sites;
using Chorus.Simulation.MultiLeader;

namespace Chorus.Simulation.Tests.MultiLeader;

/// <summary>
/// After an operator's cut heals (CHORUS.LINK HEAL at one end, then at the other), the end that
/// healed first has already sent into a link still cut at the far end. Chorus sends again as soon
/// as it hears from that site (and a healed end tells the others it is back), so every site has
/// every change within a few ticks of the last heal — not after the link's 1 s retry, which is
/// what the old behaviour (still available as a variant) waits for.
/// </summary>
public sealed class HealResendTests(ITestOutputHelper output)
{
    /// <summary>Well under the link's retry (1000 ms), well over the ticks an exchange takes (10 ms each).</summary>
    private const long PromptMs = 300;

    public static TheoryData<int, string> Runs() => new()
    {
        { 1, "all-to-all" }, { 2, "all-to-all" }, { 3, "all-to-all" }, { 4, "all-to-all" },
        { 1, "ring" }, { 2, "ring" }, { 1, "star s1" }, { 2, "star s2" },
    };

    [Theory]
    [MemberData(nameof(Runs))]
    public void Every_site_has_every_change_promptly_after_the_last_end_heals(int seed, string topology)
    {
        var result = Run(Cut(seed, topology));
        Assert.True(result.Ok, result.ToString());
        Assert.True(result.HealExchangeMs is { } ms && ms < PromptMs, result.ToString());
    }

    [Fact]
    public void Waiting_for_the_retry_keeps_a_site_on_its_old_view_for_most_of_a_second()
    {
        var slow = Enumerable.Range(1, 4).Select(seed => Run(Cut(seed, "all-to-all") with { WaitForRetryAfterHeal = true })).ToList();
        Assert.All(slow, result => Assert.True(result.Ok, result.ToString()));
        Assert.All(slow, result => Assert.True(result.HealExchangeMs is null or >= PromptMs, result.ToString()));
    }

    /// <summary>Three sites increment counters, every link is cut for 2 s, then the sites heal their ends 0–100 ms apart (20 ms links, no reordering: the time measured is the resend's).</summary>
    private static SiteSimConfig Cut(int seed, string topology)
    {
        Assert.True(SiteTopology.TryParse(topology, out var parsed, out _));
        return new SiteSimConfig(seed)
        {
            Sites = 3,
            Topology = parsed,
            CountersOnly = true,
            Keys = 3,
            WriteIntervalMs = 20,
            DurationMs = 3_000,
            OperatorCut = (1_000, 2_000),
            Partitions = false,
            ClockSkewMsMax = 0,
            ReorderProbability = 0,
            SettleMs = 3_000,
        };
    }

    private SiteRunResult Run(SiteSimConfig config)
    {
        var result = SiteSimulation.Run(config);
        output.WriteLine(result.ToString());
        return result;
    }
}
