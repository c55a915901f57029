using Chorus.Core;
using Chorus.Core.Log;
using Chorus.Node;
using Chorus.Node.Sessions;
using Chorus.Server.Consistency;

namespace Chorus.Server.Tests.Consistency;

/// <summary>
/// The rules that let a named session's position live on the leader without a log entry per
/// write (docs/consistency.md, "Cross-device sessions").
/// </summary>
public sealed class SessionDirectoryTests
{
    private static readonly Epoch One = new(1);
    private static readonly Epoch Two = new(2);

    /// The leader's answer about a session (SessionService: the record's RecordAtLeader), with nothing reported.
    private static (Lsn Written, Lsn Seen) Lookup(SessionDirectory directory, string id, Epoch epoch, Lsn logEnd, Lsn seen, long nowMs)
    {
        var session = directory.Open(id, nowMs)!;
        Assert.Equal(WriteRecording.Recorded, session.RecordAtLeader(new LeaderView(epoch, logEnd, Lsn.Zero), Lsn.Zero, seen, default, [], nowMs));
        return (session.Written, session.Seen);
    }

    private static RollbackRecord Discarded(params ulong[] lsns) =>
        new(new NodeId("n1"), Two, new Lsn(lsns[0] - 1), 5,
            [.. lsns.Select(l => new LogEntry(new LogPosition(One, new Lsn(l)), default, new NodeId("n1"), PayloadKind.Logical, ReadOnlyMemory<byte>.Empty, ReadOnlyMemory<byte>.Empty))]);

    [Fact]
    public void A_write_recorded_in_the_leaders_epoch_is_the_sessions_position()
    {
        var directory = new SessionDirectory();
        directory.Open("alice", 0)!.Wrote(new Lsn(12), new WriteGroup(new Lsn(12), new Lsn(12)), One, 0);
        Assert.Equal((new Lsn(12), Lsn.Zero), Lookup(directory, "alice", One, logEnd: new Lsn(40), seen: Lsn.Zero, nowMs: 1));
    }

    /// The new leader never saw the session's writes: every one that survived the failover is in its log, at or below its end.
    [Fact]
    public void In_a_new_epoch_a_session_with_nothing_recorded_there_is_raised_to_the_leaders_log_end_once()
    {
        var directory = new SessionDirectory();
        directory.Open("alice", 0)!.Wrote(new Lsn(12), new WriteGroup(new Lsn(12), new Lsn(12)), One, 0);
        Assert.Equal(new Lsn(40), Lookup(directory, "alice", Two, logEnd: new Lsn(40), seen: Lsn.Zero, nowMs: 1).Written);
        // Raised once per epoch: later lookups do not chase the log's end.
        Assert.Equal(new Lsn(40), Lookup(directory, "alice", Two, logEnd: new Lsn(90), seen: Lsn.Zero, nowMs: 2).Written);
        Assert.Equal(new Lsn(35), Lookup(directory, "unknown", Two, logEnd: new Lsn(35), seen: Lsn.Zero, nowMs: 3).Written);
    }

    [Fact]
    public void What_any_device_has_seen_is_kept_so_reads_stay_monotonic_across_devices()
    {
        var directory = new SessionDirectory();
        Lookup(directory, "alice", One, new Lsn(5), seen: new Lsn(30), nowMs: 0);
        Assert.Equal(new Lsn(30), Lookup(directory, "alice", One, new Lsn(5), seen: new Lsn(2), nowMs: 1).Seen);
    }

    [Fact]
    public void A_rolled_back_entry_is_attributed_to_the_session_that_wrote_it_and_notified_once()
    {
        var directory = new SessionDirectory();
        var alice = directory.Open("alice", 0)!;
        var bob = directory.Open("bob", 0)!;
        alice.Wrote(new Lsn(10), new WriteGroup(new Lsn(8), new Lsn(10)), One, 0);
        bob.Wrote(new Lsn(11), new WriteGroup(new Lsn(11), new Lsn(11)), One, 0);
        Assert.Equal([new Lsn(9), new Lsn(10)], alice.MatchRollback(Discarded(9, 10, 11)).Select(n => n.Lsn));
        Assert.Equal([new Lsn(11)], bob.MatchRollback(Discarded(9, 10, 11)).Select(n => n.Lsn));
        Assert.Empty(alice.MatchRollback(Discarded(11, 12)));

        Assert.False(alice.Notify(new RollbackNotice(new Lsn(10), One, ["cart"], 6))); // told again by another node
        Assert.Equal(2, alice.LatestNotice);
        Assert.Equal("LSN 10 (epoch 1): no keys", alice.NoticesAfter(1).Single().ToString());
        Assert.True(alice.Notify(new RollbackNotice(new Lsn(10), Two, ["cart"], 5)));
        Assert.Equal(3, alice.LatestNotice);
        Assert.Equal("LSN 10 (epoch 2): cart", alice.NoticesAfter(2).Single().ToString());
        Assert.Empty(alice.NoticesAfter(3));
    }

    [Fact]
    public void An_idle_session_is_forgotten_and_its_id_starts_afresh()
    {
        var directory = new SessionDirectory(idleMsMax: 1000);
        directory.Open("alice", 0)!.Wrote(new Lsn(3), new WriteGroup(Lsn.Zero, new Lsn(3)), One, 0);
        Assert.Equal(new Lsn(3), directory.Open("alice", 900)!.Written);
        Assert.Equal(Lsn.Zero, directory.Open("alice", 5000)!.Written);
        Assert.Equal(0, directory.Sweep(5100));
        Assert.Equal(1, directory.Sweep(9000));
        Assert.Equal(0, directory.Count);
    }

    [Theory]
    [InlineData("", "ERR a session id cannot be empty")]
    [InlineData("has space", "ERR a session id may hold only")]
    [InlineData("ok-id_1.2:x@y", null)]
    public void Session_ids_are_short_and_plain(string id, string? error)
    {
        var invalid = SessionDirectory.Invalid(System.Text.Encoding.UTF8.GetBytes(id));
        if (error is null)
        {
            Assert.Null(invalid);
        }
        else
        {
            Assert.StartsWith(error, invalid);
        }
    }
}
