using System.Buffers;
using Chorus.Resp;
using Chorus.Node;
using Chorus.Simulation.Engine;
using Chorus.Simulation.Network;
using Chorus.Simulation.Nodes;
using Chorus.Simulation.Workloads;

namespace Chorus.Simulation.Clients;

/// <summary>
/// The client-facing side of the nodes: carries requests and replies across the client network
/// (a latency each way), runs reads against the node's storage as the RESP front end does, and
/// hands writes to the driver as one batch per request, as the front end groups a pipeline.
/// </summary>
internal sealed class ClientGateway(Scheduler scheduler, SimRandom random, LatencyDistribution latency)
{
    /// <summary>Followers forward writes to the leader (replica-writes forward) instead of refusing them.</summary>
    public bool ForwardWrites { get; init; }

    /// <summary>
    /// Sends one attempt; <paramref name="leaderOnly"/>: a read only a node that believes it leads
    /// may serve; <paramref name="guard"/>: a read under a consistency guarantee (the node's read gate decides).
    /// </summary>
    public void Send(SimClient client, long requestId, SimNode node, IReadOnlyList<PlannedOp> ops, bool leaderOnly, ReadGuard? guard = null, NamedRead? named = null) =>
        scheduler.After(latency.Sample(random), () =>
        {
            if (node.State == NodeState.Down)
            {
                Back(() => client.OnRefused(requestId));
            }
            else if (ops[0].IsWrite)
            {
                SubmitWrites(client, requestId, node, ops);
            }
            else
            {
                Action<RespValue> reply = value => Back(() => client.OnReply(requestId, new ClientReply([value], [null])));
                Action lost = () => Back(() => client.OnLost(requestId));
                if (guard is not null && named is not null)
                {
                    ReadNamed(client, requestId, node, ops[0].Command(), guard, named, lost);
                }
                else if (guard is not null)
                {
                    node.ReadGuarded(ops[0].Command(), guard, (value, servedAt) => Back(() => client.OnReply(requestId, new ClientReply([value], [null]) { ServedAt = servedAt })), lost);
                }
                else if (leaderOnly)
                {
                    node.ReadAtLeader(ops[0].Command(), reply, lost);
                }
                else
                {
                    node.Read(ops[0].Command(), reply, lost);
                }
            }
        });

    /// <summary>
    /// A named session's guarded read (production's <c>CHORUS.READ … SESSION &lt;id&gt;</c>): the node
    /// first brings the session up to the leader's record (refused: the client hears TRYAGAIN), then
    /// reads once it holds everything the session wrote or saw on any device.
    /// </summary>
    private void ReadNamed(SimClient client, long requestId, SimNode node, string[] command, ReadGuard guard, NamedRead named, Action lost) =>
        node.WhenUp(
            () => named.Link.Refresh(node, named.SessionId, Chorus.Core.Lsn.Zero, default, guard.AtLeast, view =>
            {
                if (view.Error is not null)
                {
                    Back(() => client.OnReply(requestId, new ClientReply([RespValue.Error(view.Error)], [null])));
                    return;
                }
                var lifted = guard with { AtLeast = Chorus.Core.Lsn.Max(guard.AtLeast, Chorus.Core.Lsn.Max(view.Written, view.Seen)) };
                node.ReadGuarded(command, lifted, (value, servedAt) => Back(() => client.OnReply(requestId, new ClientReply([value], [null]) { ServedAt = servedAt })), lost);
            }),
            lost);

    /// <summary>
    /// <c>CHORUS.SESSION WROTE &lt;id&gt; &lt;token&gt; LSNS &lt;first&gt; &lt;last&gt;</c> at <paramref name="node"/>:
    /// the leader records the session's write (a follower asks it). <paramref name="answered"/> gets the view or the refusal.
    /// </summary>
    public void SessionWrote(SimNode node, NamedRead named, Chorus.Core.Lsn written, Chorus.Node.Sessions.WriteGroup made, IReadOnlyList<Chorus.Node.Sessions.WriteGroup> pending, Action<SessionView> answered) =>
        scheduler.After(latency.Sample(random), () =>
            node.WhenUp(
                () => named.Link.Refresh(node, named.SessionId, written, made, pending, Chorus.Core.Lsn.Zero, view => Back(() => answered(view))),
                () => Back(() => answered(SessionView.Refused("connection refused")))));

    /// <summary>WAIT on <paramref name="node"/>: <paramref name="answered"/> gets the count and, at the moment the node answered, <paramref name="holdersNow"/>'s truth.</summary>
    public void Wait(SimNode node, Chorus.Core.Lsn lsn, int replicas, long timeoutMs, Func<int> holdersNow, Action<int, int> answered, Action lost) =>
        scheduler.After(latency.Sample(random), () =>
        {
            if (node.State == NodeState.Down)
            {
                Back(lost);
                return;
            }
            node.WaitReplicas(lsn, replicas, timeoutMs, count =>
            {
                var holders = holdersNow();
                Back(() => answered(count, holders));
            }, () => Back(lost));
        });

    private void SubmitWrites(SimClient client, long requestId, SimNode node, IReadOnlyList<PlannedOp> ops)
    {
        // MULTI ... EXEC: the commands run together on the leader's loop and become one log entry.
        var transaction = ops.All(o => o.InTransaction);
        var batch = new ClientWriteBatch { Forwardable = ForwardWrites, IsTransaction = transaction, TransactionWrites = transaction };
        foreach (var op in ops)
        {
            batch.Commands.Add(op.Command());
        }
        node.SubmitWrites(
            batch,
            done: () =>
            {
                var replies = Parse(batch.Replies.WrittenMemory);
                if (transaction && replies.Count == 1 && ops.Count > 1)
                {
                    replies = [.. ops.Select(_ => replies[0])]; // the EXEC failed whole: its one error is every command's
                }
                var positions = transaction
                    ? WritePositions.AttributeTransaction(ops.Count, batch.LastWrittenLsn, node.Storage, batch.WrittenEpoch)
                    : WritePositions.Attribute(ops, replies, batch.LastWrittenLsn, node.Storage, batch.WrittenEpoch);
                batch.Dispose();
                Back(() => client.OnReply(requestId, new ClientReply(replies, positions)));
            },
            lost: () =>
            {
                batch.Dispose();
                Back(() => client.OnLost(requestId));
            });
    }

    private void Back(Action deliver) => scheduler.After(latency.Sample(random), deliver);

    private static List<RespValue> Parse(ReadOnlyMemory<byte> bytes)
    {
        var replies = new List<RespValue>();
        var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(bytes));
        while (!reader.End)
        {
            var status = RespReplyParser.TryParse(ref reader, out var value);
            Chorus.Core.Invariant.That(status == OperationStatus.Done, "the driver writes whole replies");
            replies.Add(value!);
        }
        return replies;
    }
}

/// <summary>A device's named session, and the link its node uses to ask the leader about it.</summary>
internal sealed record NamedRead(string SessionId, SimSessionLink Link);
