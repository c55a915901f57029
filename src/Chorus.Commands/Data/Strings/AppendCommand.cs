using Chorus.Commands.Execution;
using Chorus.Commands.Values;
using Chorus.Resp;

namespace Chorus.Commands.Data.Strings;

/// <summary>APPEND key value — appends to a string (creating it, even empty); replies with the new length.</summary>
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
                StringWrites.Put(context, key, suffix, 0);
                reply.WriteInteger(suffix.Length);
                return;
        }
        var length = (long)value.Payload.Length + suffix.Length;
        if (!DataLimits.CheckStringLength(context, length, reply))
        {
            return;
        }
        var encoded = StringValue.Allocate((int)length, value.ExpiresAtMs, out var appended);
        value.Payload.CopyTo(appended);
        suffix.CopyTo(appended[value.Payload.Length..]);
        StringWrites.PutEncoded(context, key, encoded);
        reply.WriteInteger(length);
    }
}
