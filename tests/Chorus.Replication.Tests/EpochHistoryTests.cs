using Chorus.Core;
using Chorus.Replication.Log;

namespace Chorus.Replication.Tests;

public sealed class EpochHistoryTests
{
    /// <summary>A log with the given epochs per entry: [1,1,2,2,2] is epoch 1 at LSNs 1-2, epoch 2 at 3-5.</summary>
    private static EpochHistory Log(params ulong[] epochs)
    {
        var history = EpochHistory.Empty();
        for (var i = 0; i < epochs.Length; i++)
        {
            history.Append(new LogPosition(new Epoch(epochs[i]), new Lsn((ulong)i + 1)));
        }
        return history;
    }

    [Fact]
    public void Epoch_at_answers_from_the_epoch_starts()
    {
        var log = Log(1, 1, 2, 2, 4);
        Assert.Equal(new Epoch(1), log.EpochAt(new Lsn(2)));
        Assert.Equal(new Epoch(2), log.EpochAt(new Lsn(3)));
        Assert.Equal(new Epoch(4), log.EpochAt(new Lsn(5)));
        Assert.Null(log.EpochAt(new Lsn(6)));
        Assert.Equal(Epoch.Zero, log.EpochAt(Lsn.Zero));
    }

    [Fact]
    public void Truncation_forgets_later_epochs()
    {
        var log = Log(1, 1, 2, 2, 4);
        log.TruncateAfter(new Lsn(3));
        Assert.Equal(new LogPosition(new Epoch(2), new Lsn(3)), log.Last);
        Assert.Equal(2, log.Epochs.Count);
        log.Append(new LogPosition(new Epoch(5), new Lsn(4)));
        Assert.Equal(new Epoch(5), log.EpochAt(new Lsn(4)));
    }

    [Fact]
    public void Identical_logs_agree_everywhere() =>
        Assert.Equal(new Lsn(5), Log(1, 1, 2, 2, 2).CommonPoint(Log(1, 1, 2, 2, 2)));

    [Fact]
    public void A_prefix_agrees_up_to_its_end()
    {
        Assert.Equal(new Lsn(3), Log(1, 1, 2, 2, 2).CommonPoint(Log(1, 1, 2)));
        Assert.Equal(new Lsn(3), Log(1, 1, 2).CommonPoint(Log(1, 1, 2, 2, 2)));
    }

    [Fact]
    public void A_suffix_from_an_epoch_the_leader_never_had_is_not_common()
    {
        // The follower kept entries 4-6 of epoch 2 that a crashed leader lost; the new leader wrote epoch 3 from LSN 4.
        var leader = Log(1, 1, 2, 3, 3);
        var follower = Log(1, 1, 2, 2, 2, 2);
        Assert.Equal(new Lsn(3), leader.CommonPoint(follower));
    }

    [Fact]
    public void Logs_that_diverged_at_the_first_entry_share_only_the_start()
    {
        Assert.Equal(Lsn.Zero, Log(2, 2).CommonPoint(Log(1, 1, 1)));
    }

    [Fact]
    public void A_log_starting_after_a_snapshot_agrees_from_its_base()
    {
        var full = Log(1, 1, 1, 2, 2, 2);
        var fromSnapshot = new EpochHistory(new LogPosition(new Epoch(2), new Lsn(4)), new LogPosition(new Epoch(2), new Lsn(4)));
        fromSnapshot.Append(new LogPosition(new Epoch(2), new Lsn(5)));
        Assert.Equal(new Lsn(5), full.CommonPoint(fromSnapshot));
    }

    [Fact]
    public void A_leader_that_retired_the_entries_a_follower_needs_finds_no_common_point_above_its_base()
    {
        var retired = new EpochHistory(new LogPosition(new Epoch(1), new Lsn(100)), new LogPosition(new Epoch(1), new Lsn(100)));
        retired.Append(new LogPosition(new Epoch(1), new Lsn(101)));
        var behind = Log(1, 1, 1);
        var common = retired.CommonPoint(behind);
        Assert.True(common is null || common < retired.Base.Lsn);
    }

    [Fact]
    public void Appending_out_of_order_breaks_an_invariant()
    {
        var log = Log(1, 1);
        Assert.Throws<InvariantViolationException>(() => log.Append(new LogPosition(new Epoch(1), new Lsn(5))));
        Assert.Throws<InvariantViolationException>(() => Log(2).Append(new LogPosition(new Epoch(1), new Lsn(2))));
    }
}

public sealed class EpochHistoryRetirementTests
{
    [Fact]
    public void A_follower_behind_the_leaders_base_shares_only_what_the_leader_no_longer_has()
    {
        var leader = EpochHistory.Empty();
        for (ulong i = 1; i <= 20_000; i++)
        {
            leader.Append(new LogPosition(new Epoch(1), new Lsn(i)));
        }
        leader.RetireThrough(new Lsn(19_000));
        var follower = EpochHistory.Empty();
        for (ulong i = 1; i <= 1_002; i++)
        {
            follower.Append(new LogPosition(new Epoch(1), new Lsn(i)));
        }
        follower.RetireThrough(new Lsn(900));

        var common = leader.CommonPoint(follower);
        Assert.True(common is null || common.Value < leader.Base.Lsn, $"common {common}, base {leader.Base}");
    }
}
