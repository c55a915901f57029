using Chorus.Commands.Execution;
using Chorus.Resp;

namespace Chorus.Commands.Data.Keys;

/// <summary>
/// EXISTS key [key ...] — how many of the keys exist, counting a key named twice twice. TOUCH
/// replies the same: it only updates access times, which Chorus does not keep.
/// </summary>
internal static class ExistsCommand
{
    public static readonly CommandSpec Spec = new("EXISTS", -2, CommandFlags.ReadOnly | CommandFlags.Fast, 1, -1, 1, Read: Execute);

    public static readonly CommandSpec TouchSpec = new("TOUCH", -2, CommandFlags.ReadOnly | CommandFlags.Fast, 1, -1, 1, Read: Execute);

    private static void Execute(ReadContext context, RespCommand command, RespWriter reply)
    {
        var count = 0;
        for (var i = 1; i < command.ArgumentCount; i++)
        {
            count += context.GetLive(command[i]) is null ? 0 : 1;
        }
        reply.WriteInteger(count);
    }
}
