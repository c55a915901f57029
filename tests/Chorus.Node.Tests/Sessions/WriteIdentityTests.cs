using Chorus.Core;
using Chorus.Node.Sessions;

namespace Chorus.Node.Tests.Sessions;

/// <summary>
/// A session's write is (epoch, LSN), as a Raft log entry is (docs/consistency.md, "Lost writes
/// told to the session"): any node judges it against its own committed log, and a leader records a
/// write only against entries of the write's epoch. Transcripts: the log is an input.
/// </summary>
public sealed class WriteIdentityTests
{
    /// A log: LSN → epoch, from 1 up.
    private static Func<Lsn, Epoch?> Log(params ulong[] epochs) =>
        lsn => lsn.Value >= 1 && lsn.Value <= (ulong)epochs.Length ? new Epoch(epochs[lsn.Value - 1]) : null;

    private static LeaderView Leader(ulong epoch, ulong committed, params ulong[] epochs) =>
        new(new Epoch(epoch), new Lsn((ulong)epochs.Length), new Lsn(committed)) { EpochAt = Log(epochs), DurablyCommitted = new Lsn(committed) };

    private static WriteGroup Group(ulong first, ulong last, ulong epoch) => new(new Lsn(first), new Lsn(last), new Epoch(epoch));

    [Fact]
    public void A_write_whose_entries_are_committed_with_its_epoch_survived()
    {
        var fate = WriteFates.Judge(Group(3, 4, 1), new Lsn(5), Log(1, 1, 1, 1, 2));
        Assert.Equal(WriteFateKind.Survived, fate.Kind);
    }

    /// Log matching: a committed entry of another epoch at the write's LSN means the write can never be committed.
    [Fact]
    public void A_write_replaced_by_committed_entries_of_another_epoch_is_lost_entry_by_entry()
    {
        var fate = WriteFates.Judge(Group(3, 5, 1), new Lsn(6), Log(1, 1, 1, 2, 2, 2));
        Assert.Equal(WriteFateKind.Lost, fate.Kind);
        Assert.Equal([new Lsn(4), new Lsn(5)], fate.LostLsns);
    }

    /// The simulator's chaos seed 20: the new leader's log is shorter than the lost write's LSN. Its
    /// committed entry is of a later epoch, and epochs never decrease along a log, so no future
    /// leader (each holds that entry) can hold the write after it.
    [Fact]
    public void A_write_beyond_a_commit_point_of_a_later_epoch_is_lost()
    {
        var fate = WriteFates.Judge(Group(184, 185, 1), new Lsn(183), lsn => lsn.Value <= 182 ? new Epoch(1) : lsn.Value == 183 ? new Epoch(2) : null);
        Assert.Equal(WriteFateKind.Lost, fate.Kind);
        Assert.Equal([new Lsn(184), new Lsn(185)], fate.LostLsns);
    }

    [Fact]
    public void A_write_beyond_a_commit_point_of_its_own_epoch_is_undecided()
    {
        Assert.Equal(WriteFateKind.Undecided, WriteFates.Judge(Group(5, 6, 2), new Lsn(4), Log(1, 1, 2, 2, 2, 2)).Kind);
        Assert.Equal(WriteFateKind.Undecided, WriteFates.Judge(Group(5, 6, 2), Lsn.Zero, Log()).Kind);
    }

    [Fact]
    public void A_committed_write_the_log_no_longer_holds_cannot_be_judged()
    {
        Assert.Equal(WriteFateKind.Unknown, WriteFates.Judge(Group(1, 2, 1), new Lsn(9), _ => null).Kind);
    }

    /// Part 1: the leader does not record a write against entries of another epoch; once its
    /// commit point passes them, the session has a notice (keys not known: it never held the entry).
    [Fact]
    public void A_leader_holding_another_epoch_at_the_writes_lsns_does_not_record_it_and_notices_it_once_committed()
    {
        var session = new SessionRecord("bob", 0);
        var outcome = session.RecordAtLeader(Leader(3, 2, 1, 1, 3, 3, 3), new Lsn(4), Lsn.Zero, Group(4, 4, 2), [], 10);
        Assert.Equal(WriteRecording.NotInThisLog, outcome);
        Assert.Empty(session.Made([new Lsn(4)])); // not the session's entry
        var notices = session.Settle(Leader(3, 5, 1, 1, 3, 3, 3), 20);
        var notice = Assert.Single(notices);
        Assert.Equal((new Lsn(4), new Epoch(2)), (notice.Lsn, notice.Epoch));
        Assert.False(notice.KeysKnown);
        Assert.Equal("LSN 4 (epoch 2): keys not known", notice.ToString());
        Assert.Empty(session.Settle(Leader(3, 5, 1, 1, 3, 3, 3), 30)); // once
    }

    [Fact]
    public void A_leader_holding_the_writes_epoch_records_it_against_its_entries()
    {
        var session = new SessionRecord("bob", 0);
        Assert.Equal(WriteRecording.Recorded, session.RecordAtLeader(Leader(2, 2, 1, 2, 2), new Lsn(3), Lsn.Zero, Group(2, 3, 2), [], 10));
        Assert.Equal([new Lsn(2), new Lsn(3)], session.Made([new Lsn(2), new Lsn(3)]));
        Assert.Equal(new Lsn(3), session.Written);
    }

    /// A node that still thinks it leads epoch 2 is asked about a write of epoch 3: it was replaced.
    [Fact]
    public void A_write_from_a_newer_epoch_is_refused()
    {
        var session = new SessionRecord("bob", 0);
        Assert.Equal(WriteRecording.NewerEpoch, session.RecordAtLeader(Leader(2, 2, 1, 2), new Lsn(2), Lsn.Zero, Group(2, 2, 3), [], 10));
    }

    /// Part 2: the device lists its earlier writes; a new leader that never saw them judges them.
    [Fact]
    public void A_devices_pending_writes_are_judged_by_a_leader_that_never_recorded_them()
    {
        var session = new SessionRecord("bob", 0);
        var leader = Leader(2, 5, 1, 1, 2, 2, 2);
        Assert.Equal(WriteRecording.Recorded, session.RecordAtLeader(leader, Lsn.Zero, Lsn.Zero, default, [Group(2, 2, 1), Group(3, 4, 1)], 10));
        var notices = session.NoticesAfter(0);
        Assert.Equal([new Lsn(3), new Lsn(4)], notices.Select(n => n.Lsn));
        Assert.Empty(session.Unsettled);
    }

    /// The node that rolled the entry back knows its keys: its notice replaces the keyless one.
    [Fact]
    public void A_notice_with_keys_replaces_one_without()
    {
        var session = new SessionRecord("bob", 0);
        session.Notify(new RollbackNotice(new Lsn(4), new Epoch(2), [], 1) { KeysKnown = false });
        Assert.False(session.Notify(new RollbackNotice(new Lsn(4), new Epoch(2), ["cart"], 2)));
        Assert.Equal("LSN 4 (epoch 2): cart", Assert.Single(session.NoticesAfter(0)).ToString());
    }

    [Theory]
    [InlineData("3-4@2", true)]
    [InlineData("4-3@2", false)]
    [InlineData("0-3@2", false)]
    [InlineData("3-4@0", false)]
    [InlineData("3-4", false)]
    [InlineData("3@2", false)]
    [InlineData("a-4@2", false)]
    [InlineData("3-4@x", false)]
    public void Pending_writes_parse_as_first_last_at_epoch(string text, bool valid)
    {
        var group = WriteGroup.Parse(text);
        Assert.Equal(valid, group is not null);
        if (group is { } parsed)
        {
            Assert.Equal(text, parsed.ToString());
        }
    }
}
