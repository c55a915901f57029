using Chorus.Commands.Execution;
using Chorus.Commands.Values;
using Chorus.Resp;

namespace Chorus.Commands.Data.Strings;

/// <summary>STRLEN key — the length of a string, 0 when absent.</summary>
internal static class StrLenCommand
{
    public static readonly CommandSpec Spec = new("STRLEN", 2, CommandFlags.ReadOnly | CommandFlags.Fast, 1, 1, 1, Read: Execute);

    private static void Execute(ReadContext context, RespCommand command, RespWriter reply)
    {
        switch (TypedLookup.Find(context.GetLive(command[1]), DataType.String, out var value))
        {
            case LookupStatus.WrongType:
                reply.WriteError(Errors.WrongType);
                break;
            case LookupStatus.Found:
                reply.WriteInteger(value.Payload.Length);
                break;
            default:
                reply.WriteInteger(0);
                break;
        }
    }
}
