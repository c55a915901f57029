using Chorus.Commands.Execution;
using Chorus.Commands.Values;
using Chorus.Resp;

namespace Chorus.Commands.Data.Keys;

/// <summary>TYPE key — "string", "hash", "set", or "none", as a status reply.</summary>
internal static class TypeCommand
{
    public static readonly CommandSpec Spec = new("TYPE", 2, CommandFlags.ReadOnly | CommandFlags.Fast, 1, 1, 1, Read: Execute);

    private static void Execute(ReadContext context, RespCommand command, RespWriter reply)
    {
        var live = context.GetLive(command[1]);
        reply.WriteSimpleString(live is null ? "none" : DataTypes.Name(KeyRecord.Parse(live).Type));
    }
}
