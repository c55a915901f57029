using Chorus.Commands.Execution;
using Chorus.Commands.Values;
using Chorus.Resp;

namespace Chorus.Commands.Data.Strings;

/// <summary>MGET key [key ...] — each key's string, nil for absent keys and for other types (never WRONGTYPE).</summary>
internal static class MGetCommand
{
    public static readonly CommandSpec Spec = new("MGET", -2, CommandFlags.ReadOnly | CommandFlags.Fast, 1, -1, 1, Read: Execute);

    private static void Execute(ReadContext context, RespCommand command, RespWriter reply)
    {
        reply.WriteArrayHeader(command.ArgumentCount - 1);
        for (var i = 1; i < command.ArgumentCount; i++)
        {
            if (TypedLookup.Find(context.GetLive(command[i]), DataType.String, out var value) == LookupStatus.Found)
            {
                reply.WriteBulkString(value.Payload);
            }
            else
            {
                reply.WriteNull();
            }
        }
    }
}
