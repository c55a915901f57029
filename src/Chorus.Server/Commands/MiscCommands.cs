using Chorus.Commands.Execution;
using Chorus.Resp;

namespace Chorus.Server.Commands;

/// <summary>Commands Redis has that do not apply (yet) to this node, answered the way Redis would.</summary>
internal static class MiscCommands
{
    public static IEnumerable<ServerCommand> All =>
    [
        new(new CommandSpec("CLUSTER", -2, CommandFlags.None, 0, 0, 0), Cluster),
        new(new CommandSpec("FAILOVER", -1, CommandFlags.Admin | CommandFlags.NoScript | CommandFlags.Stale, 0, 0, 0), Failover),
    ];

    private static ValueTask Cluster(ServerCommandContext context, RespCommand command, RespWriter reply)
    {
        reply.WriteError("ERR This instance has cluster support disabled");
        return ValueTask.CompletedTask;
    }

    private static ValueTask Failover(ServerCommandContext context, RespCommand command, RespWriter reply)
    {
        reply.WriteError("ERR FAILOVER is not available while leadership is fixed by configuration (see docs/replication.md)");
        return ValueTask.CompletedTask;
    }
}
