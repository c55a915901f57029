using System.Globalization;
using Chorus.Core;
using Chorus.Commands.Execution;
using Chorus.Resp;
using Chorus.Server.Hosting;

namespace Chorus.Server.Commands;

/// <summary>
/// CHORUS.FAULT LINK PAUSE [FROM peer] | RESUME: holds every message from peers, or from one
/// peer (the node lags, keeps serving clients), until resumed. CHORUS.FAULT LINK DROP percent
/// [SEED n]: drops that share of the messages arriving from peers (seeded; DROP 0 stops), and
/// answers how many the previous setting dropped. Only on a node started with --fault-commands true.
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
            reply.WriteError("ERR unknown fault; known: CHORUS.FAULT LINK PAUSE [FROM peer]|RESUME|DROP percent [SEED n]");
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
        else if (command.ArgumentIs(2, "DROP"u8) && command.ArgumentCount is 4 or 6)
        {
            Drop(hold.Drop, command, reply);
        }
        else
        {
            reply.WriteError("ERR CHORUS.FAULT LINK takes PAUSE, PAUSE FROM <peer>, RESUME or DROP <percent> [SEED <n>]");
        }
        return ValueTask.CompletedTask;
    }

    private static void Drop(PeerLinkDrop drop, RespCommand command, RespWriter reply)
    {
        var seed = PeerLinkDrop.DefaultSeed;
        if (!int.TryParse(command[3], NumberStyles.None, CultureInfo.InvariantCulture, out var percent) || percent > 100)
        {
            reply.WriteError("ERR CHORUS.FAULT LINK DROP: the percent must be an integer from 0 to 100");
        }
        else if (command.ArgumentCount == 6 && !(command.ArgumentIs(4, "SEED"u8) && int.TryParse(command[5], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out seed)))
        {
            reply.WriteError("ERR CHORUS.FAULT LINK DROP <percent> SEED <n>: the seed must be an integer");
        }
        else
        {
            reply.WriteInteger(drop.Set(percent, seed));
        }
    }
}
