using Chorus.Commands.Data.Numbers;
using Chorus.Commands.Execution;
using Chorus.Commands.Values;
using Chorus.Resp;

namespace Chorus.Commands.Data.Strings;

/// <summary>
/// SETRANGE key offset value — overwrites part of a string, zero-padding it as needed (creating
/// it when absent); replies with the new length. The key keeps its TTL; the log carries the patch.
/// </summary>
internal static class SetRangeCommand
{
    public static readonly CommandSpec Spec = new("SETRANGE", 4, CommandFlags.Write | CommandFlags.DenyOom, 1, 1, 1, Write: Execute);

    private static void Execute(WriteContext context, RespCommand command, RespWriter reply)
    {
        if (!IntegerText.TryParse(command[2], out var offset))
        {
            reply.WriteError(Errors.NotInteger);
            return;
        }
        if (offset < 0)
        {
            reply.WriteError(Errors.OffsetOutOfRange);
            return;
        }
        var key = command[1];
        var patch = command[3];
        var live = context.GetLive(key);
        var status = TypedLookup.Find(live, DataType.String, out var value);
        if (status == LookupStatus.WrongType)
        {
            reply.WriteError(Errors.WrongType);
            return;
        }
        if (patch.IsEmpty)
        {
            // Setting nothing changes nothing, not even creating the key.
            reply.WriteInteger(value.Payload.Length);
            return;
        }
        if (!DataLimits.CheckStringEnd(context, offset, patch.Length, reply))
        {
            return;
        }
        StringWrites.Patch(context, key, live, offset, patch);
        reply.WriteInteger(Math.Max(value.Payload.Length, offset + patch.Length));
    }
}
