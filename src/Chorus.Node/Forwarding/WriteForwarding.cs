using System.Buffers;
using Chorus.Commands.Keyspace;
using Chorus.Core;
using Chorus.Replication;

namespace Chorus.Node;

/// <summary>
/// A follower's side of forwarding (DESIGN §4.4, "a follower forwards writes to the current
/// leader"): sends a client's write batch to the leader over the <see cref="IForwardLink"/>,
/// tracks it until the leader answers, and fails it with a value when it cannot know more — the
/// link could not reach the leader (nothing applied), no answer within the forwarding timeout,
/// or another leader took over while it was out (both in doubt: it may have been applied). An
/// answer is released once this follower has applied the write (or after the visibility wait),
/// so the client can read its own write here. Counts every command it forwards.
/// Single-threaded, on the loop; deadlines come from the round's clock.
/// </summary>
internal sealed class WriteForwarding(IForwardLink? link, long timeoutMs, long visibilityWaitMs)
{
    private readonly Dictionary<long, Outstanding> _outstanding = [];
    private readonly List<Answered> _answered = [];
    private long _nextId;
    private long _forwardedWrites;

    /// <summary>Followers forward (a link is plugged in); otherwise they refuse as the core says.</summary>
    public bool Enabled => link is not null;

    /// <summary>Write commands forwarded to a leader so far (INFO chorus_forwarded_writes); readable from any thread.</summary>
    public long ForwardedWrites => Interlocked.Read(ref _forwardedWrites);

    /// <summary>Batches out at a leader, or answered and waiting to be visible here.</summary>
    public int InFlight => _outstanding.Count + _answered.Count;

    public void Forward(ClientWriteBatch batch, NodeId leader, KeyWatches watches, long nowMs)
    {
        var id = ++_nextId;
        var timeout = batch.MayBlock ? -1 : timeoutMs; // the leader ends a blocking command at its own timeout
        var (after, watched) = batch.IsTransaction && batch.Watch is { } watch
            ? (watch.WatchedAt, (IReadOnlyList<(int, byte[])>)[.. watches.KeysOf(watch).Select(k => (k.Db, k.Key))])
            : (Lsn.Zero, []);
        _outstanding[id] = new Outstanding(batch, leader, timeout < 0 ? long.MaxValue : nowMs + timeout);
        if (!batch.ReadAtLeader)
        {
            Interlocked.Add(ref _forwardedWrites, batch.Commands.Count);
        }
        link!.Send(leader, new ForwardRequest(id, batch, timeout, after, watched));
    }

    /// <summary>
    /// Routes a site leader's write to <paramref name="target"/>, the leader of <paramref name="home"/>,
    /// the other site its keys have as their home (conflict avoidance). As forwarding, with the
    /// failures named for the home site; the answer is released at once: its LSN is the other
    /// site's, and the write reaches this site later, as that site's change.
    /// </summary>
    public void Route(ClientWriteBatch batch, NodeId home, NodeId target, long nowMs)
    {
        var id = ++_nextId;
        _outstanding[id] = new Outstanding(batch, target, nowMs + timeoutMs) { Home = home };
        Interlocked.Add(ref _routedWrites, batch.Commands.Count);
        link!.Send(target, new ForwardRequest(id, batch, timeoutMs, Lsn.Zero, []));
    }

    /// <summary>Write commands routed to their keys' home site so far (INFO site_routed_writes); readable from any thread.</summary>
    public long RoutedWrites => Interlocked.Read(ref _routedWrites);

    private long _routedWrites;

    /// <summary>The leader's answer (or the link's failure) for request <paramref name="id"/>; one for a request already given up is ignored.</summary>
    public void Answer(long id, ForwardAnswer answer, Lsn applied, long nowMs)
    {
        if (!_outstanding.Remove(id, out var outstanding))
        {
            return;
        }
        var batch = outstanding.Batch;
        if (outstanding.Home is { } home)
        {
            AnswerRouted(batch, home, outstanding.Leader, answer);
            return;
        }
        switch (answer.Failure)
        {
            case ForwardFailure.NotDelivered:
                batch.Fail(new LeaderUnreachable(outstanding.Leader));
                return;
            case ForwardFailure.InDoubt:
                batch.Fail(new ForwardTimedOut(outstanding.Leader));
                return;
        }
        if (answer.Error is { } error)
        {
            batch.Fail(error);
            return;
        }
        // A read the leader served is the leader's state: nothing to wait for here.
        _answered.Add(new Answered(batch, answer, batch.ReadAtLeader ? nowMs : nowMs + visibilityWaitMs));
        ReleaseVisible(applied, nowMs);
    }

    private static void AnswerRouted(ClientWriteBatch batch, NodeId home, NodeId leader, ForwardAnswer answer)
    {
        switch (answer.Failure)
        {
            case ForwardFailure.NotDelivered:
                batch.Fail(new HomeUnreachable(home, leader));
                return;
            case ForwardFailure.InDoubt:
                batch.Fail(new HomeTimedOut(home, leader));
                return;
        }
        if (answer.Error is { } error)
        {
            // A refusal of the whole batch (that node does not lead its site now): nothing was applied.
            batch.Fail(new HomeUnreachable(home, leader, error));
            return;
        }
        Release(batch, answer with { WaitLsn = Lsn.Zero });
    }

    /// <summary>Releases every answered batch this node has applied, or whose visibility wait ran out.</summary>
    public void ReleaseVisible(Lsn applied, long nowMs) =>
        _answered.RemoveAll(a =>
        {
            if (applied < a.Answer.WaitLsn && nowMs < a.VisibleByMs)
            {
                return false;
            }
            Release(a.Batch, a.Answer);
            return true;
        });

    /// <summary>Requests unanswered past their deadline are in doubt: the leader may have applied them.</summary>
    public void ExpireDue(long nowMs)
    {
        foreach (var (id, outstanding) in _outstanding.Where(o => nowMs >= o.Value.DeadlineMs).ToList())
        {
            GiveUp(id, new ForwardTimedOut(outstanding.Leader));
        }
    }

    /// <summary>
    /// Another node leads now: a request out at the old leader is in doubt (it may have committed it
    /// before stepping down). Fail it now rather than at its deadline; its late answer is ignored.
    /// </summary>
    public void LeaderChanged(NodeId? leader, Epoch epoch)
    {
        if (leader is null)
        {
            return; // no leader known for a moment: the one asked may still answer
        }
        foreach (var (id, outstanding) in _outstanding.Where(o => o.Value.Home is null && o.Value.Leader != leader).ToList())
        {
            GiveUp(id, new LeadershipLost(leader, epoch, null, MayHaveApplied: true));
        }
    }

    /// <summary>The batch's client went away: stop waiting for it (false if it is not out here).</summary>
    public bool Abandon(ClientWriteBatch batch)
    {
        foreach (var (id, outstanding) in _outstanding.Where(o => o.Value.Batch == batch).ToList())
        {
            GiveUp(id, new ForwardTimedOut(outstanding.Leader));
            return true;
        }
        return false;
    }

    /// <summary>The node stops: everything out is in doubt; answered ones are released as they are.</summary>
    public void FailAll(Lsn applied)
    {
        foreach (var (id, outstanding) in _outstanding.ToList())
        {
            GiveUp(id, new ForwardTimedOut(outstanding.Leader));
        }
        ReleaseVisible(applied, long.MaxValue);
    }

    private void GiveUp(long id, ProposalOutcome outcome)
    {
        _outstanding.Remove(id, out var outstanding);
        link!.Cancel(id);
        outstanding!.Batch.Fail(outstanding.Home is { } home ? new HomeTimedOut(home, outstanding.Leader) : outcome);
    }

    private static void Release(ClientWriteBatch batch, ForwardAnswer answer)
    {
        batch.WatchAborted = answer.Aborted;
        if (batch.IsTransaction && PhysicalDb.IsValidLogical(answer.Db))
        {
            batch.Db = answer.Db;
        }
        batch.ReplyEnds.AddRange(answer.ReplyEnds);
        batch.Replies.Write(answer.Replies.Span);
        batch.WaitFor = answer.WaitLsn;
        if (answer.LastWritten > Lsn.Zero)
        {
            (batch.FirstWrittenLsn, batch.LastWrittenLsn, batch.WrittenEpoch) = (answer.FirstWritten, answer.LastWritten, answer.WrittenEpoch);
        }
        batch.CompleteForwarded();
    }

    /// <param name="Leader">Where the batch went: this site's leader, or the leader of <see cref="Home"/>.</param>
    private sealed record Outstanding(ClientWriteBatch Batch, NodeId Leader, long DeadlineMs)
    {
        /// <summary>The other site the batch was routed to as its keys' home (null: forwarded inside this site).</summary>
        public NodeId? Home { get; init; }
    }

    private sealed record Answered(ClientWriteBatch Batch, ForwardAnswer Answer, long VisibleByMs);
}
