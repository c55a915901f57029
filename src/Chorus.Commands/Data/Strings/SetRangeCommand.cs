using Chorus.Commands.Data.Numbers;
using Chorus.Commands.Execution;
using Chorus.Commands.Values;
using Chorus.Resp;

namespace Chorus.Commands.Data.Strings;

/// <summary>
/// SETRANGE key offset value — overwrites part of a string, zero-padding it as needed (creating
/// it when absent); replies with the new length. The key keeps its TTL.
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
        var status = TypedLookup.Find(context.GetLive(key), DataType.String, out var value);
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
        var length = Math.Max(value.Payload.Length, offset > long.MaxValue - patch.Length ? long.MaxValue : offset + patch.Length);
        if (!DataLimits.CheckStringLength(context, length, reply))
        {
            return;
        }
        var encoded = StringValue.Allocate((int)length, status == LookupStatus.Found ? value.ExpiresAtMs : 0, out var patched);
        value.Payload.CopyTo(patched);
        patched[value.Payload.Length..].Clear();
        patch.CopyTo(patched[(int)offset..]);
        StringWrites.PutEncoded(context, key, encoded);
        reply.WriteInteger(length);
    }
}
