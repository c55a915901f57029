using Chorus.Commands.Execution;
using Chorus.Resp;

namespace Chorus.Server.Commands;

/// <summary>
/// CHORUS.FAULT LINK PAUSE|RESUME: holds every message from peers (the node lags, keeps serving
/// clients) until resumed. Only on a node started with --fault-commands true.
/// </summary>
internal static class FaultCommand
{
    public static ServerCommand Command { get; } =
        new(new CommandSpec("CHORUS.FAULT", 3, CommandFlags.Admin | CommandFlags.NoScript | CommandFlags.Loading | CommandFlags.Stale, 0, 0, 0), Execute);

    private static ValueTask Execute(ServerCommandContext context, RespCommand command, RespWriter reply)
    {
        if (!context.Node.Options.FaultCommands || context.Node.LinkHold is not { } hold)
        {
            reply.WriteError("ERR CHORUS.FAULT is disabled; start the node with --fault-commands true to use it");
        }
        else if (!command.ArgumentIs(1, "LINK"u8))
        {
            reply.WriteError("ERR unknown fault; known: CHORUS.FAULT LINK PAUSE|RESUME");
        }
        else if (command.ArgumentIs(2, "PAUSE"u8))
        {
            hold.Pause();
            reply.WriteOk();
        }
        else if (command.ArgumentIs(2, "RESUME"u8))
        {
            reply.WriteInteger(hold.Resume());
        }
        else
        {
            reply.WriteError("ERR CHORUS.FAULT LINK takes PAUSE or RESUME");
        }
        return ValueTask.CompletedTask;
    }
}
