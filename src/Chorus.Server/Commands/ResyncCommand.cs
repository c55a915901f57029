using Chorus.Commands.Execution;
using Chorus.Replication;
using Chorus.Resp;

namespace Chorus.Server.Commands;

/// <summary>
/// CHORUS.RESYNC — re-bootstrap this follower: download a snapshot of the leader's storage and
/// restart on it, replacing this node's data and log (docs/log-formats.md, "Re-bootstrapping a
/// follower"). It is how a follower that stopped replicating (a physical stream it refused) comes
/// back once the cluster writes something it can read, how a follower gets the leader's physical
/// layout before the cluster switches to WAL shipping, and how any follower is rebuilt without
/// emptying its directory by hand. It works on a stopped node because it never goes through the
/// replication core: the download and the restart are the ones a leader's InstallSnapshot starts.
/// </summary>
internal static class ResyncCommand
{
    public static ServerCommand Command { get; } =
        new(new CommandSpec("CHORUS.RESYNC", 1, CommandFlags.Admin | CommandFlags.NoScript | CommandFlags.Loading | CommandFlags.Stale, 0, 0, 0), Execute);

    private static ValueTask Execute(ServerCommandContext context, RespCommand command, RespWriter reply)
    {
        var node = context.Node;
        var status = node.Driver.Status;
        if (node.Options.IsLeaderless || node.Options.IsMultiLeader)
        {
            reply.WriteError("ERR CHORUS.RESYNC re-bootstraps a single-leader follower from its leader's snapshot; this node's family has no such leader");
        }
        else if (status.Role == NodeRole.Leader && node.Driver.ReplicationRefusal is null)
        {
            reply.WriteError("ERR this node leads: it is what the followers copy; move leadership away first (FAILOVER TO <node>)");
        }
        else if (status.Leader is not { } leader || leader == status.Self)
        {
            reply.WriteError("TRYAGAIN no leader is known yet to copy a snapshot from (an election may be under way); retry");
        }
        else
        {
            switch (node.Resync?.Invoke(leader))
            {
                case true:
                    reply.WriteSimpleString($"OK reloading from a snapshot of {leader}: this node restarts on it when it has arrived (INFO: chorus_snapshot_*)");
                    break;
                case false:
                    reply.WriteError("ERR a snapshot download is already running on this node");
                    break;
                default:
                    reply.WriteError("ERR this node cannot download snapshots");
                    break;
            }
        }
        return ValueTask.CompletedTask;
    }
}
