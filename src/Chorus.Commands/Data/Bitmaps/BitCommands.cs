using Chorus.Commands.Data.Numbers;
using Chorus.Commands.Data.Strings;
using Chorus.Commands.Execution;
using Chorus.Commands.Values;
using Chorus.Resp;

namespace Chorus.Commands.Data.Bitmaps;

/// <summary>
/// SETBIT key offset value (replies with the old bit; grows the string with zero bytes, logging
/// only the byte it changes) and GETBIT key offset (0 past the end).
/// </summary>
internal static class BitCommands
{
    public static readonly CommandSpec SetBitSpec = new("SETBIT", 4, CommandFlags.Write | CommandFlags.DenyOom, 1, 1, 1, Write: ExecuteSetBit);

    public static readonly CommandSpec GetBitSpec = new("GETBIT", 3, CommandFlags.ReadOnly | CommandFlags.Fast, 1, 1, 1, Read: ExecuteGetBit);

    private static void ExecuteSetBit(WriteContext context, RespCommand command, RespWriter reply)
    {
        if (!BitOffset.TryParse(command[2], 0, out var offset))
        {
            reply.WriteError(BitOffset.Error);
            return;
        }
        if (!IntegerText.TryParse(command[3], out var bit) || (bit & ~1) != 0)
        {
            reply.WriteError("ERR bit is not an integer or out of range");
            return;
        }
        var live = context.GetLive(command[1]);
        if (TypedLookup.Find(live, DataType.String, out var value) == LookupStatus.WrongType)
        {
            reply.WriteError(Errors.WrongType);
            return;
        }
        var index = offset >> 3;
        if (index >= value.Payload.Length && !DataLimits.CheckStringLength(context, index + 1, reply))
        {
            return;
        }
        var old = index < value.Payload.Length ? value.Payload[(int)index] : (byte)0;
        var mask = (byte)(1 << (7 - (int)(offset & 7)));
        var updated = (byte)(bit == 1 ? old | mask : old & ~mask);
        StringWrites.Patch(context, command[1], live, index, [updated]);
        reply.WriteInteger((old & mask) == 0 ? 0 : 1);
    }

    private static void ExecuteGetBit(ReadContext context, RespCommand command, RespWriter reply)
    {
        if (!BitOffset.TryParse(command[2], 0, out var offset))
        {
            reply.WriteError(BitOffset.Error);
            return;
        }
        if (TypedLookup.Find(context.GetLive(command[1]), DataType.String, out var value) == LookupStatus.WrongType)
        {
            reply.WriteError(Errors.WrongType);
            return;
        }
        var index = offset >> 3;
        reply.WriteInteger(index < value.Payload.Length && (value.Payload[(int)index] & (1 << (7 - (int)(offset & 7)))) != 0 ? 1 : 0);
    }
}
