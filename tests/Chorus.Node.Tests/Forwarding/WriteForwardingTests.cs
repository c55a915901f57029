using System.Text;
using Chorus.Core;
using Chorus.Replication;

namespace Chorus.Node.Tests.Forwarding;

/// <summary>
/// A follower's side of forwarding (DESIGN §4.4, "a follower forwards writes to the current
/// leader"), one branch at a time: what the client is told when the leader answers, refuses,
/// cannot be reached, does not answer in time or loses its leadership; and when an answered write
/// is released (once this follower applied it, so the client reads its own write here).
/// The simulator covers forwarding end to end under faults; these pin down each outcome.
/// </summary>
public sealed class WriteForwardingTests
{
    private const long T0 = 1_700_000_000_000;
    private const long TimeoutMs = 1_000;
    private const long VisibilityWaitMs = 200;
    private static readonly NodeId Leader = new("n1");

    private readonly RecordingLink _link = new();
    private readonly KeyWatches _watches = new();
    private readonly WriteForwarding _forwarding;

    public WriteForwardingTests() => _forwarding = new WriteForwarding(_link, TimeoutMs, VisibilityWaitMs);

    [Fact]
    public void Without_a_link_forwarding_is_off()
    {
        Assert.False(new WriteForwarding(null, TimeoutMs, VisibilityWaitMs).Enabled);
        Assert.True(_forwarding.Enabled);
    }

    [Fact]
    public void A_forwarded_write_goes_to_the_leader_and_is_counted()
    {
        using var batch = Batch(["SET", "k", "v"], ["INCR", "n"]);
        _forwarding.Forward(batch, Leader, _watches, T0);

        var (to, request) = Assert.Single(_link.Sent);
        Assert.Equal(Leader, to);
        Assert.Same(batch, request.Batch);
        Assert.Equal(TimeoutMs, request.TimeoutMs);
        Assert.Empty(request.Watched);
        Assert.Equal(2, _forwarding.ForwardedWrites);
        Assert.Equal(1, _forwarding.InFlight);
    }

    [Fact]
    public void The_leaders_replies_are_released_once_this_follower_has_applied_the_write()
    {
        using var batch = Batch(["SET", "k", "v"]);
        var id = Forward(batch);

        _forwarding.Answer(id, Served("+OK\r\n", waitLsn: 5), applied: new Lsn(4), T0 + 10);
        Assert.False(batch.Completion.IsCompleted, "the follower has not applied the write yet: a read here would miss it");

        _forwarding.ReleaseVisible(new Lsn(5), T0 + 20);
        Assert.True(batch.Completion.IsCompleted);
        Assert.False(batch.Failed);
        Assert.Equal("+OK\r\n", Replies(batch));
        Assert.Equal(new Lsn(5), batch.WaitFor);
        Assert.Equal(0, _forwarding.InFlight);
    }

    [Fact]
    public void An_answer_for_an_entry_this_follower_already_applied_is_released_at_once()
    {
        using var batch = Batch(["SET", "k", "v"]);
        _forwarding.Answer(Forward(batch), Served("+OK\r\n", waitLsn: 5), applied: new Lsn(7), T0 + 10);
        Assert.True(batch.Completion.IsCompleted);
    }

    [Fact]
    public void An_answered_write_this_follower_never_applies_is_released_after_the_visibility_wait()
    {
        using var batch = Batch(["SET", "k", "v"]);
        _forwarding.Answer(Forward(batch), Served("+OK\r\n", waitLsn: 5), applied: Lsn.Zero, T0 + 10);

        _forwarding.ReleaseVisible(Lsn.Zero, T0 + 10 + VisibilityWaitMs - 1);
        Assert.False(batch.Completion.IsCompleted);
        _forwarding.ReleaseVisible(Lsn.Zero, T0 + 10 + VisibilityWaitMs);
        Assert.True(batch.Completion.IsCompleted);
        Assert.Equal("+OK\r\n", Replies(batch));
    }

    [Fact]
    public void A_read_the_leader_served_is_released_at_once_and_is_not_counted_as_a_write()
    {
        using var batch = Batch(["GET", "k"]);
        batch.ReadAtLeader = true;
        var id = Forward(batch);
        Assert.Equal(0, _forwarding.ForwardedWrites);

        _forwarding.Answer(id, Served("$1\r\nv\r\n", waitLsn: 9), applied: Lsn.Zero, T0 + 10);
        Assert.True(batch.Completion.IsCompleted, "the reply is the leader's state: nothing to wait for here");
        Assert.Equal("$1\r\nv\r\n", Replies(batch));
    }

    [Fact]
    public void A_leader_that_cannot_be_reached_fails_the_write_as_not_applied()
    {
        using var batch = Batch(["SET", "k", "v"]);
        _forwarding.Answer(Forward(batch), ForwardAnswer.LinkFailed(ForwardFailure.NotDelivered), Lsn.Zero, T0 + 10);

        Assert.Equal(new LeaderUnreachable(Leader), batch.Outcome);
        Assert.StartsWith("MASTERDOWN", batch.Error);
        Assert.Contains("the write was not applied", batch.Error);
        Assert.Equal(0, _forwarding.InFlight);
    }

    [Fact]
    public void A_link_that_lost_the_answer_fails_the_write_as_in_doubt()
    {
        using var batch = Batch(["SET", "k", "v"]);
        _forwarding.Answer(Forward(batch), ForwardAnswer.LinkFailed(ForwardFailure.InDoubt), Lsn.Zero, T0 + 10);

        Assert.Equal(new ForwardTimedOut(Leader), batch.Outcome);
        Assert.Contains("may or may not have been applied", batch.Error);
    }

    [Fact]
    public void The_leaders_refusal_reaches_the_client_as_it_is()
    {
        using var batch = Batch(["SET", "k", "v"]);
        const string refusal = "READONLY You can't write against a read only replica (the leader is n3).";
        _forwarding.Answer(Forward(batch), ForwardAnswer.Failed(refusal), Lsn.Zero, T0 + 10);

        Assert.Equal(refusal, batch.Error);
        Assert.Equal($"-{refusal}\r\n", Replies(batch));
    }

    [Fact]
    public void No_answer_within_the_forwarding_timeout_is_in_doubt_and_a_late_answer_is_ignored()
    {
        using var batch = Batch(["SET", "k", "v"]);
        var id = Forward(batch);

        _forwarding.ExpireDue(T0 + TimeoutMs - 1);
        Assert.False(batch.Completion.IsCompleted);
        _forwarding.ExpireDue(T0 + TimeoutMs);
        Assert.Equal(new ForwardTimedOut(Leader), batch.Outcome);
        Assert.Contains("did not answer the forwarded write in time; the write may or may not have been applied", batch.Error);
        Assert.Equal([id], _link.Cancelled);

        var error = Replies(batch);
        _forwarding.Answer(id, Served("+OK\r\n", waitLsn: 1), new Lsn(1), T0 + TimeoutMs + 1);
        Assert.Equal(error, Replies(batch));
        Assert.Equal(0, _forwarding.InFlight);
    }

    [Fact]
    public void A_blocking_command_has_no_forwarding_deadline_the_leader_ends_it_at_its_own_timeout()
    {
        using var batch = Batch(["BLPOP", "q", "0"]);
        batch.MayBlock = true;
        Forward(batch);

        Assert.Equal(-1, Assert.Single(_link.Sent).Request.TimeoutMs);
        _forwarding.ExpireDue(T0 + 1_000_000_000);
        Assert.False(batch.Completion.IsCompleted);
    }

    [Fact]
    public void A_new_leader_puts_a_write_out_at_the_old_one_in_doubt()
    {
        using var batch = Batch(["SET", "k", "v"]);
        var id = Forward(batch);

        _forwarding.LeaderChanged(null, new Epoch(3));
        _forwarding.LeaderChanged(Leader, new Epoch(3));
        Assert.False(batch.Completion.IsCompleted, "no leader known for a moment, or the same one: it may still answer");

        _forwarding.LeaderChanged(new NodeId("n3"), new Epoch(4));
        var lost = Assert.IsType<LeadershipLost>(batch.Outcome);
        Assert.True(lost.MayHaveApplied);
        Assert.Equal("TRYAGAIN leadership moved to n3 (epoch 4); the write may or may not have been applied; retry", batch.Error);
        Assert.Equal([id], _link.Cancelled);
    }

    [Fact]
    public void A_client_that_went_away_is_no_longer_waited_for()
    {
        using var batch = Batch(["BLPOP", "q", "0"]);
        using var other = Batch(["SET", "k", "v"]);
        var id = Forward(batch);

        Assert.False(_forwarding.Abandon(other), "a batch that is not out here");
        Assert.True(_forwarding.Abandon(batch));
        Assert.Equal([id], _link.Cancelled);
        Assert.Equal(0, _forwarding.InFlight);
    }

    [Fact]
    public void A_stopping_node_fails_writes_still_out_as_in_doubt_and_releases_answered_ones()
    {
        using var answered = Batch(["SET", "a", "1"]);
        using var outstanding = Batch(["SET", "b", "2"]);
        _forwarding.Answer(Forward(answered), Served("+OK\r\n", waitLsn: 10), Lsn.Zero, T0 + 10);
        Forward(outstanding);

        _forwarding.FailAll(Lsn.Zero);
        Assert.Equal("+OK\r\n", Replies(answered));
        Assert.Equal(new ForwardTimedOut(Leader), outstanding.Outcome);
        Assert.Equal(0, _forwarding.InFlight);
    }

    [Fact]
    public void A_forwarded_transaction_carries_its_watched_keys_and_takes_the_leaders_database_and_verdict()
    {
        using var batch = Batch(["SET", "k", "v"]);
        batch.IsTransaction = true;
        batch.Watch = new WatchSet();
        _watches.Watch(batch.Watch, 2, "k"u8.ToArray(), () => (true, false), appliedNow: new Lsn(7));
        var id = Forward(batch);

        var request = Assert.Single(_link.Sent).Request;
        Assert.Equal(new Lsn(7), request.WatchAfter);
        var (db, key) = Assert.Single(request.Watched);
        Assert.Equal(2, db);
        Assert.Equal("k", Encoding.UTF8.GetString(key));

        // EXEC's nil: a watched key changed on the leader; the connection moves to the database the leader ended in (SELECT inside MULTI).
        var answer = new ForwardAnswer(Encoding.UTF8.GetBytes("*-1\r\n"), [5], new Lsn(3), Aborted: true, Db: 4);
        _forwarding.Answer(id, answer, new Lsn(3), T0 + 10);
        Assert.True(batch.WatchAborted);
        Assert.Equal(4, batch.Db);
        Assert.Equal([5], batch.ReplyEnds);
        Assert.Equal("*-1\r\n", Replies(batch));
    }

    private long Forward(ClientWriteBatch batch)
    {
        _forwarding.Forward(batch, Leader, _watches, T0);
        return _link.Sent[^1].Request.Id;
    }

    private static ClientWriteBatch Batch(params string[][] commands)
    {
        var batch = new ClientWriteBatch { Forwardable = true };
        foreach (var command in commands)
        {
            batch.Commands.Add(command);
        }
        return batch;
    }

    private static ForwardAnswer Served(string replies, ulong waitLsn) =>
        new(Encoding.UTF8.GetBytes(replies), [], new Lsn(waitLsn), Aborted: false, Db: 0);

    private static string Replies(ClientWriteBatch batch) => Encoding.UTF8.GetString(batch.Replies.WrittenSpan);

    /// <summary>The network seam, recorded: what was sent to whom, and which requests were given up.</summary>
    private sealed class RecordingLink : IForwardLink
    {
        public List<(NodeId Leader, ForwardRequest Request)> Sent { get; } = [];

        public List<long> Cancelled { get; } = [];

        public void Send(NodeId leader, ForwardRequest request) => Sent.Add((leader, request));

        public void Cancel(long id) => Cancelled.Add(id);
    }
}
