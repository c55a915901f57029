using Chorus.Server.Hosting;

namespace Chorus.Server.Tests.Hosting;

/// <summary>
/// CHORUS.FAULT LINK DROP's decisions (docs/lab.md, "dropped" links of issue 16): about the
/// asked share of messages is dropped, the same seed makes the same decisions, 0 drops nothing
/// and 100 everything, and each new setting reports what the previous one dropped.
/// </summary>
public sealed class PeerLinkDropTests
{
    private const int Messages = 10_000;

    [Fact]
    public void About_the_asked_share_is_dropped_and_the_seed_repeats_the_decisions()
    {
        var first = Decisions(30, seed: 7);
        var again = Decisions(30, seed: 7);
        var other = Decisions(30, seed: 8);
        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
        // Binomial(10,000, 0.3): the standard deviation is 46, so ±300 is over six of them.
        Assert.InRange(first.Count(d => d), 2_700, 3_300);
    }

    [Fact]
    public void Zero_drops_nothing_a_hundred_drops_everything_and_each_setting_reports_the_last_ones_count()
    {
        var drop = new PeerLinkDrop();
        Assert.Equal(0, drop.Percent);
        Assert.DoesNotContain(true, Enumerable.Range(0, Messages).Select(_ => drop.ShouldDrop()));
        Assert.Equal(0, drop.Set(100, seed: 1));
        Assert.All(Enumerable.Range(0, Messages), _ => Assert.True(drop.ShouldDrop()));
        Assert.Equal(Messages, drop.Set(0, seed: 1));
        Assert.False(drop.ShouldDrop());
        Assert.Equal(0, drop.Set(0, seed: 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => drop.Set(101, seed: 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => drop.Set(-1, seed: 1));
    }

    private static List<bool> Decisions(int percent, int seed)
    {
        var drop = new PeerLinkDrop();
        drop.Set(percent, seed);
        return [.. Enumerable.Range(0, Messages).Select(_ => drop.ShouldDrop())];
    }
}
