using Chorus.Commands.Execution;
using Chorus.Resp;

namespace Chorus.Server.Commands;

/// <summary>Commands Redis has that do not apply to this node, answered the way Redis would.</summary>
internal static class MiscCommands
{
    public static IEnumerable<ServerCommand> All =>
    [
        new(new CommandSpec("CLUSTER", -2, CommandFlags.None, 0, 0, 0), Cluster),
    ];

    private static ValueTask Cluster(ServerCommandContext context, RespCommand command, RespWriter reply)
    {
        reply.WriteError("ERR This instance has cluster support disabled");
        return ValueTask.CompletedTask;
    }
}
