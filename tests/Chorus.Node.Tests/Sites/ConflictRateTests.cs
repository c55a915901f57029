namespace Chorus.Node.Tests.Sites;

/// <summary>Issue 11, "conflicts per second": the rate INFO (site_conflicts_per_sec), /metrics and `chorus status` show.</summary>
public sealed class ConflictRateTests
{
    [Fact]
    public void The_rate_is_the_average_over_the_last_ten_whole_seconds()
    {
        var rate = new ConflictRate();
        for (var i = 0; i < 30; i++)
        {
            rate.Record(100_000 + (i * 100)); // 30 conflicts in 100.0–102.9 s
        }
        Assert.Equal(0, rate.PerSecond(100_500));        // the current second does not count yet
        Assert.Equal(3.0, rate.PerSecond(103_000), 3);   // 30 in the window / 10 s
        Assert.Equal(2.0, rate.PerSecond(111_000), 3);   // 101–110: the 20 of 101.0–102.9 s
        Assert.Equal(0, rate.PerSecond(113_000));        // all older than 10 s
    }

    [Fact]
    public void A_slot_reused_a_window_later_starts_from_zero()
    {
        var rate = new ConflictRate();
        rate.Record(5_000);
        rate.Record(5_000 + ((ConflictRate.WindowSeconds + 1) * 1000)); // the same slot, 11 s later
        Assert.Equal(0.1, rate.PerSecond(17_000), 3);
    }
}
