using Chorus.Commands.Execution;
using Chorus.Commands.Values;
using Chorus.Resp;

namespace Chorus.Commands.Data.Strings;

/// <summary>GET key — the value of a string key, nil when absent.</summary>
internal static class GetCommand
{
    public static readonly CommandSpec Spec = new("GET", 2, CommandFlags.ReadOnly | CommandFlags.Fast, 1, 1, 1, Read: Execute);

    private static void Execute(ReadContext context, RespCommand command, RespWriter reply)
    {
        var stored = context.GetLive(command[1]);
        if (stored is null)
        {
            reply.WriteNull();
            return;
        }
        var value = KeyRecord.Parse(stored);
        if (value.Type != DataType.String)
        {
            reply.WriteError(Errors.WrongType);
            return;
        }
        reply.WriteBulkString(value.Payload);
    }
}
