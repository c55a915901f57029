using Chorus.Core;
using Chorus.Node.Sessions;
using Chorus.Simulation.Cluster;
using Chorus.Simulation.Engine;
using Chorus.Simulation.History;
using Chorus.Simulation.Workloads;

namespace Chorus.Simulation.Clients;

/// <summary>
/// A client with its own session: one request at a time, writes to the node it believes leads,
/// reads where its mode routes them, a think time between requests. A refusal that did nothing
/// (READONLY, MOVED, TRYAGAIN before applying, a refused connection) is retried — at the leader
/// the error names, else at the next node — with backoff, until the request's deadline; then it
/// fails. It records each operation's invocation (the first attempt) and completion: a request
/// that times out, loses its connection or is answered "may or may not have been applied" is
/// indeterminate and is never retried (a retry could apply it twice).
/// </summary>
internal sealed class SimClient(
    string name,
    IOperationGenerator generator,
    ReadRouter router,
    LeaderHint leader,
    ClientGateway gateway,
    HistoryRecorder recorder,
    SimCluster cluster,
    Scheduler scheduler,
    SimRandom random,
    TraceLog trace,
    ClientTiming timing)
{
    public const long BackoffMinUs = 5_000;
    public const long BackoffMaxUs = 100_000;

    /// <summary>Error text of an acknowledged write its named session could not record in time (Chorus.Client's SessionWriteNotRecordedException).</summary>
    public const string SessionWriteNotRecorded = "session write not recorded";

    /// <summary>A device's writes of known identity it does not know settled, oldest first (Chorus.Client keeps the same list).</summary>
    private readonly List<WriteGroup> _unsettled = [];

    private long _stopAtUs;
    private long _lastAttemptId;
    private Outstanding? _current;

    /// <summary>The named session this client is a device of (null: a session of its own only).</summary>
    public NamedRead? Named { get; init; }

    public void Start(long atUs, long stopAtUs)
    {
        _stopAtUs = stopAtUs;
        scheduler.At(atUs, IssueNext);
    }

    public void OnReply(long attemptId, ClientReply reply)
    {
        if (_current is not { InFlight: true } current || current.AttemptId != attemptId)
        {
            return; // the client gave up on this request already
        }
        var first = reply.Replies[0];
        if (first.IsError && Redirect.From(first.AsString()) is { } redirect)
        {
            Retry(current, redirect.Leader, redirect.Error);
            return;
        }
        var acknowledgedWrite = false;
        var operations = new List<Operation>();
        for (var i = 0; i < current.Ops.Count; i++)
        {
            var operation = ReplyReader.Read(Invoked(current, i), current.Ops[i], reply.Replies[i]) with
            {
                CompletedUs = scheduler.NowUs,
                WrittenAt = reply.Positions[i],
            };
            acknowledgedWrite |= operation.IsAcknowledgedWrite;
            operations.Add(operation);
        }
        var written = reply.Positions.Max(p => p?.Lsn ?? Lsn.Zero);
        if (acknowledgedWrite)
        {
            router.OnWriteAcknowledged(scheduler.NowUs, written);
        }
        router.OnServedAt(reply.ServedAt);
        if (acknowledgedWrite && Named is { } named && written > Lsn.Zero)
        {
            var firstWritten = reply.Positions.Where(p => p is not null).Min(p => p!.Value.Lsn);
            var epoch = reply.Positions.Where(p => p is not null).Max(p => p!.Value.Epoch);
            RecordSessionWrite(named, current.Node, operations, new WriteGroup(firstWritten, written, epoch));
            return;
        }
        operations.ForEach(Record);
        if (acknowledgedWrite && router.WaitAfterWrites is { } wait && written > Lsn.Zero)
        {
            IssueWait(current.Node, written, wait.Replicas, wait.TimeoutMs);
            return;
        }
        ThinkThenContinue();
    }

    /// <summary>
    /// As Chorus.Client does before it tells the application a named session's write is done:
    /// <c>CHORUS.SESSION WROTE … LSNS</c> at the node that acknowledged it, retried at the leader
    /// with backoff until the request's timeout. The write completes (in the history) only then;
    /// one that could not be recorded completes marked <see cref="SessionWriteNotRecorded"/>.
    /// </summary>
    private void RecordSessionWrite(NamedRead named, NodeId node, List<Operation> operations, WriteGroup made)
    {
        _current = null; // acknowledged: the request's deadline no longer applies
        var deadlineUs = scheduler.NowUs + timing.TimeoutUs;
        var attempts = 0;
        void Complete(string? error)
        {
            foreach (var operation in operations)
            {
                Record(operation with { CompletedUs = scheduler.NowUs, Error = error });
            }
            ThinkThenContinue();
        }
        // Kept until a leader's commit point decides it, whatever this recording's outcome.
        Pend(made);
        void Attempt(NodeId at)
        {
            attempts++;
            gateway.SessionWrote(cluster[at], named, Lsn.Max(router.Written, router.Seen), made, [.. _unsettled.Where(g => g != made)], view =>
            {
                if (view.Error is null)
                {
                    Settled(view.SettledThrough, view);
                    Complete(null);
                    return;
                }
                var backoffUs = Math.Min(BackoffMaxUs, BackoffMinUs << Math.Min(attempts - 1, 10));
                if (scheduler.NowUs + backoffUs >= deadlineUs || view.Error.StartsWith("ERR", StringComparison.Ordinal))
                {
                    Complete(SessionWriteNotRecorded);
                    return;
                }
                if (Redirect.NamedLeader(view.Error) is { } next && next != at)
                {
                    leader.Follow(next);
                }
                else
                {
                    leader.MovePast(at);
                }
                scheduler.After(random.Between(backoffUs / 2, backoffUs + 1), () => Attempt(leader.Current));
            });
        }
        Attempt(node);
    }

    private void Pend(WriteGroup made)
    {
        if (!made.HasIdentity || _unsettled.Contains(made))
        {
            return;
        }
        _unsettled.Add(made);
        if (_unsettled.Count > SessionRecord.PendingReportMax)
        {
            _unsettled.RemoveAt(0);
        }
    }

    /// <summary>A leader judged the pending writes at its commit point <paramref name="through"/>: each at or below it is decided (a notice if lost).</summary>
    private void Settled(Lsn through, Nodes.SessionView view)
    {
        if (trace.Enabled)
        {
            trace.Add(scheduler.NowUs, name, $"session writes judged through lsn {through}: pending [{string.Join(' ', _unsettled)}]; notices [{string.Join("; ", view.Notices)}]");
        }
        _unsettled.RemoveAll(g => g.Last <= through);
    }

    /// <summary>
    /// After the workload, as a device that reconnects would (<c>CHORUS.SESSION NOTICES &lt;id&gt;
    /// PENDING …</c> at the leader): its writes not yet known settled are judged, retried until
    /// every one is decided or <paramref name="deadlineUs"/>.
    /// </summary>
    public void SettleAfterWorkload(long atUs, long deadlineUs)
    {
        void Attempt()
        {
            if (Named is not { } named || _unsettled.Count == 0 || scheduler.NowUs >= deadlineUs)
            {
                return;
            }
            gateway.SessionWrote(cluster[leader.Current], named, Lsn.Zero, default, [.. _unsettled], view =>
            {
                if (view.Error is null)
                {
                    Settled(view.SettledThrough, view);
                }
                else if (Redirect.NamedLeader(view.Error) is { } next)
                {
                    leader.Follow(next);
                }
                else
                {
                    leader.MovePast(leader.Current);
                }
                scheduler.After(BackoffMaxUs, Attempt);
            });
        }
        scheduler.At(atUs, Attempt);
    }

    /// <summary>WAIT on the node that acknowledged the write; the client carries on once it answers (or the connection breaks).</summary>
    private void IssueWait(NodeId node, Lsn lsn, int replicas, long timeoutMs)
    {
        _current = null; // the write's deadline no longer applies
        var invokedUs = scheduler.NowUs;
        void Record(int count, int holders)
        {
            recorder.Waits.Add(new ReplicaWaitRecord(name, node.Value, lsn.Value, replicas, timeoutMs, invokedUs, scheduler.NowUs, count, holders));
            if (trace.Enabled)
            {
                trace.Add(scheduler.NowUs, name, $"WAIT {replicas} {timeoutMs} for lsn {lsn} at {node} -> {(count < 0 ? "connection lost" : count.ToString(System.Globalization.CultureInfo.InvariantCulture))} ({holders} hold it)");
            }
            ThinkThenContinue();
        }
        gateway.Wait(cluster[node], lsn, replicas, timeoutMs, () => cluster.Nodes.Count(n => n.Id != node && n.Holds(lsn)), Record, () => Record(-1, 0));
    }

    /// <summary>The connection broke after the request was sent: nobody knows whether the writes happened.</summary>
    public void OnLost(long attemptId)
    {
        if (_current is { InFlight: true } current && current.AttemptId == attemptId)
        {
            GiveUp(current, OpOutcome.Indeterminate, "connection lost");
        }
    }

    /// <summary>The node was down: the request never reached it, so nothing happened; try the next node.</summary>
    public void OnRefused(long attemptId)
    {
        if (_current is { InFlight: true } current && current.AttemptId == attemptId)
        {
            Retry(current, null, "connection refused");
        }
    }

    private void IssueNext()
    {
        if (scheduler.NowUs >= _stopAtUs)
        {
            return;
        }
        var ops = generator.Next(random);
        var ids = ops.Select(_ => recorder.Invoke(name)).ToList();
        var request = new Outstanding(ops, ids, scheduler.NowUs);
        _current = request;
        Attempt(request, ops[0].IsWrite ? router.ForWrite(random) : router.ForRead(random, scheduler.NowUs));
        scheduler.After(timing.TimeoutUs, () => OnDeadline(request));
    }

    private void Attempt(Outstanding request, NodeId node)
    {
        request.Node = node;
        request.Attempts++;
        request.AttemptId = ++_lastAttemptId;
        request.InFlight = true;
        if (trace.Enabled)
        {
            var again = request.Attempts > 1 ? $" (attempt {request.Attempts})" : "";
            trace.Add(scheduler.NowUs, name, $"invoke #{request.Ids[0].Id}{(request.Ops.Count > 1 ? $"..#{request.Ids[^1].Id}" : "")} {string.Join(" ; ", request.Ops.Select(o => string.Join(' ', o.Command())))} -> {node}{again}");
        }
        var read = !request.Ops[0].IsWrite;
        gateway.Send(this, request.AttemptId, cluster[node], request.Ops, read && router.LeaderOnly, read ? router.Guard : null, Named);
    }

    /// <summary>Nothing happened at that node: follow the leader it named, or move on to the next node, after a backoff.</summary>
    private void Retry(Outstanding request, NodeId? named, string error)
    {
        request.InFlight = false;
        request.LastRefusal = error;
        var tried = request.Node;
        if (named is { } next && next != tried)
        {
            leader.Follow(next);
        }
        else
        {
            leader.MovePast(tried);
        }
        var target = request.Ops[0].IsWrite || router.LeaderOnly ? leader.Current : router.ForRead(random, scheduler.NowUs);
        if (trace.Enabled)
        {
            trace.Add(scheduler.NowUs, name, $"refused by {tried} ({error}); retrying at {target}");
        }
        var backoffUs = Math.Min(BackoffMaxUs, BackoffMinUs << Math.Min(request.Attempts - 1, 10));
        scheduler.After(random.Between(backoffUs / 2, backoffUs + 1), () =>
        {
            if (_current == request)
            {
                Attempt(request, target);
            }
        });
    }

    /// <summary>
    /// The request's time is up: an attempt still out is indeterminate (and the node it went to is
    /// probably unreachable: the next request tries another); with every attempt refused, it failed.
    /// </summary>
    private void OnDeadline(Outstanding request)
    {
        if (_current != request)
        {
            return;
        }
        if (request.InFlight)
        {
            leader.MovePast(request.Node);
            GiveUp(request, OpOutcome.Indeterminate, "timeout");
        }
        else
        {
            GiveUp(request, OpOutcome.Failed, request.LastRefusal ?? "refused");
        }
    }

    private void GiveUp(Outstanding request, OpOutcome outcome, string reason)
    {
        for (var i = 0; i < request.Ops.Count; i++)
        {
            Record(Invoked(request, i) with { CompletedUs = scheduler.NowUs, Outcome = outcome, Error = reason });
        }
        ThinkThenContinue();
    }

    private void Record(Operation operation)
    {
        recorder.Complete(operation);
        if (trace.Enabled)
        {
            trace.Add(scheduler.NowUs, name, operation.ToString());
        }
    }

    private void ThinkThenContinue()
    {
        _current = null;
        scheduler.After(random.Exponential(timing.ThinkMeanUs), IssueNext);
    }

    private Operation Invoked(Outstanding request, int index)
    {
        var op = request.Ops[index];
        var (id, sessionIndex) = request.Ids[index];
        return new Operation(id, name, sessionIndex, op.Kind, op.Keys, op.Value, request.InvokedUs, 0, OpOutcome.Ok, request.Node.Value);
    }

    /// <summary>The request in progress, across its attempts.</summary>
    private sealed class Outstanding(IReadOnlyList<PlannedOp> ops, IReadOnlyList<(int Id, int SessionIndex)> ids, long invokedUs)
    {
        public IReadOnlyList<PlannedOp> Ops { get; } = ops;

        public IReadOnlyList<(int Id, int SessionIndex)> Ids { get; } = ids;

        public long InvokedUs { get; } = invokedUs;

        public NodeId Node { get; set; }

        public int Attempts { get; set; }

        public long AttemptId { get; set; }

        /// <summary>An attempt is out and unanswered (false while backing off).</summary>
        public bool InFlight { get; set; }

        public string? LastRefusal { get; set; }
    }
}
