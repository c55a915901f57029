using Chorus.Core;
using Chorus.Core.Log;
using Chorus.Node.Sessions;

namespace Chorus.Node.Tests.Sessions;

/// <summary>
/// The named-session protocol (docs/consistency.md, "Cross-device sessions" and "Lost writes told
/// to the session") as plain transcripts: time and the leader's view are inputs.
/// </summary>
public sealed class SessionRecordTests
{
    private static LeaderView Leader(ulong epoch, ulong logEnd, ulong committed) => new(new Epoch(epoch), new Lsn(logEnd), new Lsn(committed));

    /// A new leader has not seen the old one's records: the first lookup in its epoch raises the
    /// session to its log end (every surviving write is at or below it), once; later lookups use
    /// what it recorded.
    [Fact]
    public void The_first_lookup_in_an_epoch_raises_the_session_to_the_log_end_once()
    {
        var session = new SessionRecord("bob", 0);
        Assert.True(session.RecordAtLeader(Leader(2, 40, 40), Lsn.Zero, Lsn.Zero, default, 1));
        Assert.Equal(new Lsn(40), session.Written);

        Assert.True(session.RecordAtLeader(Leader(2, 55, 50), Lsn.Zero, Lsn.Zero, default, 2));
        Assert.Equal(new Lsn(40), session.Written); // recorded in this epoch already: not raised again

        Assert.True(session.RecordAtLeader(Leader(3, 60, 60), Lsn.Zero, Lsn.Zero, default, 3));
        Assert.Equal(new Lsn(60), session.Written);
    }

    /// Every answered read showed committed state, which the leader's commit point covers: a
    /// lookup counts it as seen, so another device never reads less (the simulator's chaos seed 12).
    [Fact]
    public void A_lookup_counts_the_leaders_commit_point_as_seen()
    {
        var session = new SessionRecord("bob", 0);
        session.RecordAtLeader(Leader(1, 120, 113), Lsn.Zero, new Lsn(100), default, 1);
        Assert.Equal(new Lsn(113), session.Seen);
    }

    /// A write beyond the leader's log is not this history's: refused, nothing changes.
    [Fact]
    public void A_write_beyond_the_log_end_is_refused_and_changes_nothing()
    {
        var session = new SessionRecord("bob", 0);
        Assert.False(session.RecordAtLeader(Leader(1, 10, 10), new Lsn(11), Lsn.Zero, new WriteGroup(new Lsn(11), new Lsn(11)), 1));
        Assert.Equal(Lsn.Zero, session.Written);
        Assert.Empty(session.Made([new Lsn(11)]));
    }

    /// Attribution is by the exact entries recorded: a rollback of LSNs 11–13 is the session's at 12
    /// only, and the notice is told to a per-command client once.
    [Fact]
    public void A_rollback_matches_exactly_the_entries_the_session_recorded_and_is_told_once()
    {
        var bob = new SessionRecord("bob", 0);
        var alice = new SessionRecord("alice", 0);
        bob.RecordAtLeader(Leader(1, 12, 10), new Lsn(12), Lsn.Zero, new WriteGroup(new Lsn(12), new Lsn(12)), 1);
        alice.RecordAtLeader(Leader(1, 13, 10), new Lsn(13), Lsn.Zero, new WriteGroup(new Lsn(13), new Lsn(13)), 1);
        var entries = new[] { 11UL, 12UL, 13UL }.Select(l => new LogEntry(new LogPosition(new Epoch(1), new Lsn(l)), default, new NodeId("n1"), PayloadKind.Logical, ReadOnlyMemory<byte>.Empty, ReadOnlyMemory<byte>.Empty)).ToList();
        var record = new RollbackRecord(new NodeId("n1"), new Epoch(2), new Lsn(10), 5, entries);

        var matched = SessionRollbacks.Match([bob, alice], record, _ => ["k"]);

        Assert.Equal(new (string, ulong)[] { ("bob", 12UL), ("alice", 13UL) }, matched.Select(m => (m.Session.Id, Assert.Single(m.Notices).Lsn.Value)));
        Assert.True(bob.HasUntoldPerCommand);
        Assert.Equal("LSN 12 (epoch 1): k", Assert.Single(bob.TakeUntoldPerCommand()).ToString());
        Assert.Empty(bob.TakeUntoldPerCommand());
        Assert.Single(bob.NoticesAfter(0)); // still listed
    }

    /// A session unused for longer than the idle limit is forgotten; opening it again starts afresh.
    [Fact]
    public void An_idle_session_is_forgotten_by_time_given_as_input()
    {
        var table = new SessionTable<SessionRecord>((id, nowMs) => new SessionRecord(id, nowMs), idleMsMax: 1000);
        var first = table.Open("bob", 0)!;
        Assert.Same(first, table.Open("bob", 1000));
        Assert.NotSame(first, table.Open("bob", 2001));
        Assert.Equal(0, table.Sweep(2500));
        Assert.Equal(1, table.Sweep(3002));
        Assert.Equal(0, table.Count);
    }
}
