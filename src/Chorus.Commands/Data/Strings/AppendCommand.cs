using Chorus.Commands.Execution;
using Chorus.Commands.Values;
using Chorus.Resp;

namespace Chorus.Commands.Data.Strings;

/// <summary>
/// APPEND key value — appends to a string (creating it, even empty); replies with the new length.
/// Logs only the appended bytes.
/// </summary>
internal static class AppendCommand
{
    public static readonly CommandSpec Spec = new("APPEND", 3, CommandFlags.Write | CommandFlags.DenyOom, 1, 1, 1, Write: Execute);

    private static void Execute(WriteContext context, RespCommand command, RespWriter reply)
    {
        var key = command[1];
        var suffix = command[2];
        var live = context.GetLive(key);
        switch (TypedLookup.Find(live, DataType.String, out var value))
        {
            case LookupStatus.WrongType:
                reply.WriteError(Errors.WrongType);
                return;
            case LookupStatus.Absent:
                StringWrites.Patch(context, key, null, 0, suffix);
                reply.WriteInteger(suffix.Length);
                return;
        }
        var length = (long)value.Payload.Length + suffix.Length;
        if (!DataLimits.CheckStringLength(context, length, reply))
        {
            return;
        }
        StringWrites.Patch(context, key, live, value.Payload.Length, suffix);
        reply.WriteInteger(length);
    }
}
