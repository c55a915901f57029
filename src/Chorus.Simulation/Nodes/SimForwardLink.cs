using Chorus.Core;
using Chorus.Node;
using Chorus.Simulation.Network;

namespace Chorus.Simulation.Nodes;

/// <summary>
/// Forwarding's network part in the simulator, in place of production's gRPC call: the request
/// (a copy of the batch's commands, as the wire would carry them) crosses the simulated network
/// to the leader, which runs it as production's forward handler does; the answer crosses back.
/// Loss, delay and partitions hit either way — a lost one is never answered, and the follower's
/// forwarding service times it out. An answer for an earlier life of the follower is dropped.
/// </summary>
internal sealed class SimForwardLink(NodeId self, SimNetwork network, Func<NodeId, SimNode> nodes) : IForwardLink
{
    public void Send(NodeId leader, ForwardRequest request)
    {
        var copy = ForwardedCopy.Of(request) with { From = self };
        var follower = nodes(self);
        var incarnation = follower.Incarnation;
        network.Carry(self, leader, $"forward #{request.Id} ({copy.Commands.Count} commands)", () =>
            nodes(leader).ServeForwarded(copy, answer =>
                network.Carry(leader, self, $"forward answer #{request.Id}", () =>
                {
                    if (follower.Incarnation == incarnation)
                    {
                        follower.Post(new ForwardAnsweredInput(request.Id, answer));
                    }
                })));
    }

    /// <summary>Nothing to cancel: a late answer is ignored by the follower's service.</summary>
    public void Cancel(long id)
    {
    }
}

/// <summary>A forwarded batch as it travels: its own copy of the commands, never the follower's batch.</summary>
internal sealed record ForwardedCopy(IReadOnlyList<byte[][]> Commands, Chorus.Resp.RespProtocol Protocol, int Db, bool IsTransaction, ForwardedWatch? Watch)
{
    /// <summary>The node that forwarded it (production's caller id).</summary>
    public NodeId? From { get; init; }

    public static ForwardedCopy Of(ForwardRequest request)
    {
        var batch = request.Batch;
        var commands = new List<byte[][]>();
        for (var i = 0; i < batch.Commands.Count; i++)
        {
            var command = batch.Commands[i];
            var args = new byte[command.ArgumentCount][];
            for (var a = 0; a < args.Length; a++)
            {
                args[a] = command[a].ToArray();
            }
            commands.Add(args);
        }
        var watch = batch.IsTransaction && request.Watched.Count > 0 ? new ForwardedWatch(request.WatchAfter, request.Watched) : null;
        return new ForwardedCopy(commands, batch.Protocol, batch.Db, batch.IsTransaction, watch);
    }

    /// <summary>The batch the leader's loop runs, as production's forward handler builds it.</summary>
    public ClientWriteBatch ToBatch()
    {
        var batch = new ClientWriteBatch { Protocol = Protocol, Db = Db, ForwardedBy = From };
        foreach (var command in Commands)
        {
            batch.Commands.Add(command);
        }
        if (IsTransaction)
        {
            batch.IsTransaction = batch.TransactionWrites = true;
            batch.RemoteWatch = Watch;
        }
        return batch;
    }
}
