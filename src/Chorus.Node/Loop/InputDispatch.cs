using Chorus.Core.Messaging;
using Chorus.Replication;
using Microsoft.Extensions.Logging;

namespace Chorus.Node;

/// <summary>
/// Routes each peer or control input of a loop round to what handles it: peer messages and
/// flush reports to the core, operator actions, WAIT, snapshots and checkpoints, status
/// refreshes, guarded reads, client writes, unblocks and forwarding answers to their services.
/// A node whose replication stopped answers them at once instead (<see cref="ReplicationHalt"/>).
/// </summary>
/// <param name="storeStaged">Carries out everything the core has decided (an operator's action is carried out before its reply).</param>
internal sealed class InputDispatch(
    IReplicationCore core,
    ReplicationHalt halt,
    WritePath writePath,
    ReplicaWaits waits,
    SnapshotTaker snapshots,
    StatusPublisher status,
    ReadGate reads,
    BlockedPops blocked,
    WriteForwarding forwarding,
    AppliedLsnWaiters applied,
    Action storeStaged,
    ILogger logger)
{
    /// <summary>A peer or control input (everything but client writes), at the round's time.</summary>
    public void Handle(NodeInput input, long nowMs)
    {
        if (input is GuardedReadInput read)
        {
            // Served alike whether replication runs or stopped: a stopped node still serves what it applied.
            reads.Add(read, nowMs);
            return;
        }
        if (halt.IsHalted)
        {
            halt.Refuse(input);
            return;
        }
        switch (input)
        {
            case PeerMessageInput peer:
                Receive(peer.Message);
                break;
            case PeerConnectedInput connected:
                core.OnPeerConnected(connected.Peer);
                break;
            case FlushedInput flushed:
                core.OnFlushed(flushed.Lsn);
                break;
            case AdminInput admin:
                var result = admin.Action(core);
                storeStaged();
                admin.Completion.TrySetResult(result);
                break;
            case WaitReplicasInput wait:
                waits.Add(core, wait.Lsn, wait.Count, wait.TimeoutMs == 0 ? -1 : nowMs + wait.TimeoutMs, wait.Completion);
                break;
            case CreateCheckpointInput checkpoint:
                snapshots.CreateCheckpoint(checkpoint);
                break;
            case SnapshotInput snapshot:
                snapshot.Completion.TrySetResult(snapshots.Take(snapshot.Copy, snapshot.Requester));
                break;
            case RefreshStatusInput refresh:
                status.Publish(core, nowMs);
                refresh.Completion.TrySetResult(null);
                break;
            case ClientWritesInput writes:
                writePath.Submit(writes.Batch, nowMs);
                break;
            case UnblockInput unblock:
                unblock.Completion.TrySetResult(blocked.Unblock(unblock.Batch, unblock.How)
                    || (unblock.How == UnblockHow.Disconnected && forwarding.Abandon(unblock.Batch)));
                break;
            case ForwardAnsweredInput answered:
                forwarding.Answer(answered.Id, answered.Answer, applied.Applied, nowMs);
                break;
        }
    }

    /// <summary>
    /// A message from a peer, for the family that owns it. A family this node does not speak is
    /// refused with a logged error; it never stops the node.
    /// </summary>
    public void Receive(Envelope envelope)
    {
        if (!core.Speaks(envelope.Family))
        {
            logger.LogWarning("refused a message from {From}: this node does not speak the {Family} protocol", envelope.From, envelope.Family);
            return;
        }
        core.Step(envelope);
    }
}
