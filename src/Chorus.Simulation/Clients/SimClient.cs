using Chorus.Simulation.Cluster;
using Chorus.Simulation.Engine;
using Chorus.Simulation.History;
using Chorus.Simulation.Workloads;

namespace Chorus.Simulation.Clients;

/// <summary>
/// A client with its own session: one request at a time, writes to the leader, reads where its
/// mode routes them, a think time between requests. It records each operation's invocation and
/// completion; a request that times out or loses its connection is indeterminate.
/// </summary>
internal sealed class SimClient(
    string name,
    IOperationGenerator generator,
    ReadRouter router,
    ClientGateway gateway,
    HistoryRecorder recorder,
    SimCluster cluster,
    Scheduler scheduler,
    SimRandom random,
    TraceLog trace,
    ClientTiming timing)
{
    private long _stopAtUs;
    private long _lastRequestId;
    private Outstanding? _current;

    public void Start(long atUs, long stopAtUs)
    {
        _stopAtUs = stopAtUs;
        scheduler.At(atUs, IssueNext);
    }

    public void OnReply(long requestId, ClientReply reply)
    {
        if (_current?.RequestId != requestId)
        {
            return; // the client gave up on this request already
        }
        var current = _current;
        var acknowledgedWrite = false;
        for (var i = 0; i < current.Ops.Count; i++)
        {
            var operation = ReplyReader.Read(Invoked(current, i), current.Ops[i], reply.Replies[i]) with
            {
                CompletedUs = scheduler.NowUs,
                WrittenAt = reply.Positions[i],
            };
            acknowledgedWrite |= operation.IsAcknowledgedWrite;
            Record(operation);
        }
        if (acknowledgedWrite)
        {
            router.OnWriteAcknowledged(scheduler.NowUs);
        }
        ThinkThenContinue();
    }

    /// <summary>The connection broke after the request was sent: nobody knows whether the writes happened.</summary>
    public void OnLost(long requestId) => GiveUp(requestId, OpOutcome.Indeterminate, "connection lost");

    /// <summary>The node was down: the request never reached it, so nothing happened.</summary>
    public void OnRefused(long requestId) => GiveUp(requestId, OpOutcome.Failed, "connection refused");

    private void IssueNext()
    {
        if (scheduler.NowUs >= _stopAtUs)
        {
            return;
        }
        var ops = generator.Next(random);
        var node = ops[0].IsWrite ? cluster.Leader : router.ForRead(random, scheduler.NowUs);
        var ids = ops.Select(_ => recorder.Invoke(name)).ToList();
        var requestId = ++_lastRequestId;
        _current = new Outstanding(requestId, ops, ids, node.Value, scheduler.NowUs);
        if (trace.Enabled)
        {
            trace.Add(scheduler.NowUs, name, $"invoke #{ids[0].Id}{(ops.Count > 1 ? $"..#{ids[^1].Id}" : "")} {string.Join(" ; ", ops.Select(o => string.Join(' ', o.Command())))} -> {node}");
        }
        gateway.Send(this, requestId, cluster[node], ops);
        scheduler.After(timing.TimeoutUs, () => GiveUp(requestId, OpOutcome.Indeterminate, "timeout"));
    }

    private void GiveUp(long requestId, OpOutcome outcome, string reason)
    {
        if (_current?.RequestId != requestId)
        {
            return;
        }
        for (var i = 0; i < _current.Ops.Count; i++)
        {
            Record(Invoked(_current, i) with { CompletedUs = scheduler.NowUs, Outcome = outcome, Error = reason });
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
        return new Operation(id, name, sessionIndex, op.Kind, op.Keys, op.Value, request.InvokedUs, 0, OpOutcome.Ok, request.Node);
    }

    private sealed record Outstanding(long RequestId, IReadOnlyList<PlannedOp> Ops, IReadOnlyList<(int Id, int SessionIndex)> Ids, string Node, long InvokedUs);
}
