using Chorus.Commands.Data.Numbers;
using Chorus.Commands.Execution;
using Chorus.Commands.Values;
using Chorus.Resp;

namespace Chorus.Commands.Data.Bitmaps;

/// <summary>
/// BITCOUNT key [start end [BYTE | BIT]] (set bits in the range) and BITPOS key bit [start [end
/// [BYTE | BIT]]] (the first 0 or 1 bit; a search for 0 without an end may answer the bit just past
/// the string, as Redis does, since a string is zero-padded for ever).
/// </summary>
internal static class BitCountCommands
{
    public static readonly CommandSpec BitCountSpec = new("BITCOUNT", -2, CommandFlags.ReadOnly, 1, 1, 1, Read: ExecuteBitCount);

    public static readonly CommandSpec BitPosSpec = new("BITPOS", -3, CommandFlags.ReadOnly, 1, 1, 1, Read: ExecuteBitPos);

    private static void ExecuteBitCount(ReadContext context, RespCommand command, RespWriter reply)
    {
        // Redis 7.0 looks the key up before it reads the range.
        if (!TypedLookup.TryFind(context.GetLive(command[1]), DataType.String, reply, AbsentReply.Zero, out var value))
        {
            return;
        }
        long start = 0, end = -1;
        var bits = false;
        if (command.ArgumentCount is 4 or 5)
        {
            if (!BitRange.TryParseIndex(command[2], reply, out start) || !BitRange.TryParseIndex(command[3], reply, out end))
            {
                return;
            }
            // Redis answers an inverted negative range before it reads the unit.
            if (start < 0 && end < 0 && start > end)
            {
                reply.WriteInteger(0);
                return;
            }
            if (!BitRange.TryParseUnit(command, 4, reply, out bits))
            {
                return;
            }
        }
        else if (command.ArgumentCount != 2)
        {
            reply.WriteError(Errors.Syntax);
            return;
        }
        reply.WriteInteger(BitRange.Normalize(start, end, value.Payload.Length, bits).Count(value.Payload));
    }

    private static void ExecuteBitPos(ReadContext context, RespCommand command, RespWriter reply)
    {
        if (!IntegerText.TryParse(command[2], out var bit))
        {
            reply.WriteError(Errors.NotInteger);
            return;
        }
        if (bit is not (0 or 1))
        {
            reply.WriteError("ERR The bit argument must be 1 or 0.");
            return;
        }
        switch (TypedLookup.Find(context.GetLive(command[1]), DataType.String, out var value))
        {
            case LookupStatus.WrongType:
                reply.WriteError(Errors.WrongType);
                return;
            case LookupStatus.Absent:
                reply.WriteInteger(bit == 1 ? -1 : 0);
                return;
        }
        if (command.ArgumentCount > 6)
        {
            reply.WriteError(Errors.Syntax);
            return;
        }
        long start = 0, end = -1;
        var bits = false;
        var endGiven = command.ArgumentCount >= 5;
        if (command.ArgumentCount >= 4 && (!BitRange.TryParseIndex(command[3], reply, out start) || !BitRange.TryParseUnit(command, 5, reply, out bits) || (endGiven && !BitRange.TryParseIndex(command[4], reply, out end))))
        {
            return;
        }
        var range = BitRange.Normalize(start, end, value.Payload.Length, bits);
        if (range.IsEmpty)
        {
            reply.WriteInteger(-1);
            return;
        }
        var found = range.Find(value.Payload, (int)bit);
        // Searching for a 0 without an end: the string goes on with zero bits past its last byte.
        reply.WriteInteger(found < 0 && bit == 0 && !endGiven ? (range.LastBit | 7) + 1 : found);
    }
}
