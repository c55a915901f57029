using Chorus.Core;
using Chorus.Commands.Execution;
using Chorus.Resp;

namespace Chorus.Server.Commands;

/// <summary>
/// CHORUS.FAULT LINK PAUSE [FROM peer] | RESUME: holds every message from peers, or from one
/// peer (the node lags, keeps serving clients), until resumed. Only on a node started with
/// --fault-commands true.
/// </summary>
internal static class FaultCommand
{
    public static ServerCommand Command { get; } =
        new(new CommandSpec("CHORUS.FAULT", -3, CommandFlags.Admin | CommandFlags.NoScript | CommandFlags.Loading | CommandFlags.Stale, 0, 0, 0), Execute);

    private static ValueTask Execute(ServerCommandContext context, RespCommand command, RespWriter reply)
    {
        if (!context.Node.Options.FaultCommands || context.Node.LinkHold is not { } hold)
        {
            reply.WriteError("ERR CHORUS.FAULT is disabled; start the node with --fault-commands true to use it");
        }
        else if (!command.ArgumentIs(1, "LINK"u8))
        {
            reply.WriteError("ERR unknown fault; known: CHORUS.FAULT LINK PAUSE [FROM peer]|RESUME");
        }
        else if (command.ArgumentIs(2, "PAUSE"u8) && command.ArgumentCount == 3)
        {
            hold.Pause();
            reply.WriteOk();
        }
        else if (command.ArgumentIs(2, "PAUSE"u8) && command.ArgumentCount == 5 && command.ArgumentIs(3, "FROM"u8))
        {
            var peer = System.Text.Encoding.UTF8.GetString(command[4]);
            if (!context.Node.Options.Peers.ContainsKey(peer) || peer == context.Node.Options.NodeId)
            {
                reply.WriteError($"ERR CHORUS.FAULT LINK PAUSE FROM: '{peer}' is not a peer of this node");
            }
            else
            {
                hold.Pause(new NodeId(peer));
                reply.WriteOk();
            }
        }
        else if (command.ArgumentIs(2, "RESUME"u8) && command.ArgumentCount == 3)
        {
            reply.WriteInteger(hold.Resume());
        }
        else
        {
            reply.WriteError("ERR CHORUS.FAULT LINK takes PAUSE, PAUSE FROM <peer> or RESUME");
        }
        return ValueTask.CompletedTask;
    }
}
