using Chorus.Commands.Data.Numbers;
using Chorus.Commands.Data.Strings;
using Chorus.Commands.Execution;
using Chorus.Commands.Values;
using Chorus.Resp;

namespace Chorus.Commands.Data.Bitmaps;

/// <summary>
/// BITFIELD key [GET type offset] [SET type offset value] [INCRBY type offset increment]
/// [OVERFLOW WRAP | SAT | FAIL] ... and BITFIELD_RO key [GET type offset] ...: integer fields of
/// i1–i64 or u1–u63 at bit offsets ("#n" = n × the width). Replies with one value per operation
/// (SET: the old value; INCRBY: the new one, or nil when FAIL refused it). A write grows the string
/// to cover every field written, even one FAIL refused (as Redis does), and logs only the bytes it
/// changed.
/// </summary>
internal static class BitFieldCommand
{
    public static readonly CommandSpec Spec = new("BITFIELD", -2, CommandFlags.Write | CommandFlags.DenyOom, 1, 1, 1, Write: ExecuteWrite);

    public static readonly CommandSpec ReadOnlySpec = new("BITFIELD_RO", -2, CommandFlags.ReadOnly | CommandFlags.Fast, 1, 1, 1, Read: ExecuteRead);

    private enum Kind
    {
        Get,
        Set,
        IncrBy,
    }

    private readonly record struct Operation(Kind Kind, bool Signed, int Bits, long Offset, long Value, BitField.Overflow Overflow);

    private const string TypeError = "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.";

    private static void ExecuteRead(ReadContext context, RespCommand command, RespWriter reply)
    {
        if (TryParse(command, reply) is not { } operations)
        {
            return;
        }
        if (operations.Any(o => o.Kind != Kind.Get))
        {
            reply.WriteError("ERR BITFIELD_RO only supports the GET subcommand");
            return;
        }
        if (TypedLookup.Find(context.GetLive(command[1]), DataType.String, out var value) == LookupStatus.WrongType)
        {
            reply.WriteError(Errors.WrongType);
            return;
        }
        reply.WriteArrayHeader(operations.Count);
        foreach (var operation in operations)
        {
            WriteGet(reply, value.Payload, operation);
        }
    }

    private static void ExecuteWrite(WriteContext context, RespCommand command, RespWriter reply)
    {
        if (TryParse(command, reply) is not { } operations)
        {
            return;
        }
        var live = context.GetLive(command[1]);
        if (TypedLookup.Find(live, DataType.String, out var value) == LookupStatus.WrongType)
        {
            reply.WriteError(Errors.WrongType);
            return;
        }
        var writes = operations.Where(o => o.Kind != Kind.Get).ToList();
        var before = value.Payload.ToArray();
        var needed = writes.Count == 0 ? 0 : writes.Max(o => ((o.Offset + o.Bits - 1) >> 3) + 1);
        if (needed > value.Payload.Length && !DataLimits.CheckStringLength(context, needed, reply))
        {
            return;
        }
        var after = new byte[Math.Max(before.Length, needed)];
        before.CopyTo(after, 0);
        reply.WriteArrayHeader(operations.Count);
        foreach (var operation in operations)
        {
            if (operation.Kind == Kind.Get)
            {
                WriteGet(reply, after, operation);
            }
            else
            {
                Write(reply, after, operation);
            }
        }
        if (writes.Count > 0)
        {
            StringWrites.PatchChanges(context, command[1], live, before, after);
        }
    }

    private static void WriteGet(RespWriter reply, ReadOnlySpan<byte> text, Operation operation) =>
        reply.WriteInteger(operation.Signed ? BitField.GetSigned(text, operation.Offset, operation.Bits) : (long)BitField.GetUnsigned(text, operation.Offset, operation.Bits));

    private static void Write(RespWriter reply, byte[] text, Operation operation)
    {
        bool overflowed;
        ulong stored;
        long answer;
        if (operation.Signed)
        {
            var old = BitField.GetSigned(text, operation.Offset, operation.Bits);
            var increment = operation.Kind == Kind.IncrBy;
            overflowed = BitField.SignedOverflows(increment ? old : operation.Value, increment ? operation.Value : 0, operation.Bits, operation.Overflow, out var limited);
            var updated = overflowed ? limited : increment ? old + operation.Value : operation.Value;
            (stored, answer) = ((ulong)updated, increment ? updated : old);
        }
        else
        {
            var old = BitField.GetUnsigned(text, operation.Offset, operation.Bits);
            var increment = operation.Kind == Kind.IncrBy;
            overflowed = BitField.UnsignedOverflows(increment ? old : (ulong)operation.Value, increment ? operation.Value : 0, operation.Bits, operation.Overflow, out var limited);
            var updated = overflowed ? limited : increment ? unchecked(old + (ulong)operation.Value) : (ulong)operation.Value;
            (stored, answer) = (updated, (long)(increment ? updated : old));
        }
        if (overflowed && operation.Overflow == BitField.Overflow.Fail)
        {
            reply.WriteNull();
            return;
        }
        BitField.Set(text, operation.Offset, operation.Bits, stored);
        reply.WriteInteger(answer);
    }

    /// <summary>The operations in order, with Redis's errors; null after writing one.</summary>
    private static List<Operation>? TryParse(RespCommand command, RespWriter reply)
    {
        var operations = new List<Operation>();
        var overflow = BitField.Overflow.Wrap;
        for (var j = 2; j < command.ArgumentCount; j++)
        {
            var remaining = command.ArgumentCount - j - 1;
            if (command.ArgumentIs(j, "OVERFLOW"u8) && remaining >= 1)
            {
                j++;
                BitField.Overflow? parsed = command.ArgumentIs(j, "WRAP"u8) ? BitField.Overflow.Wrap
                    : command.ArgumentIs(j, "SAT"u8) ? BitField.Overflow.Sat
                    : command.ArgumentIs(j, "FAIL"u8) ? BitField.Overflow.Fail
                    : null;
                if (parsed is null)
                {
                    reply.WriteError("ERR Invalid OVERFLOW type specified");
                    return null;
                }
                overflow = parsed.Value;
                continue;
            }
            Kind? kind = command.ArgumentIs(j, "GET"u8) && remaining >= 2 ? Kind.Get
                : command.ArgumentIs(j, "SET"u8) && remaining >= 3 ? Kind.Set
                : command.ArgumentIs(j, "INCRBY"u8) && remaining >= 3 ? Kind.IncrBy
                : null;
            if (kind is null)
            {
                reply.WriteError(Errors.Syntax);
                return null;
            }
            if (!TryParseType(command[j + 1], out var signed, out var bits))
            {
                reply.WriteError(TypeError);
                return null;
            }
            if (!BitOffset.TryParse(command[j + 2], bits, out var offset))
            {
                reply.WriteError(BitOffset.Error);
                return null;
            }
            long value = 0;
            if (kind != Kind.Get && !IntegerText.TryParse(command[j + 3], out value))
            {
                reply.WriteError(Errors.NotInteger);
                return null;
            }
            operations.Add(new Operation(kind.Value, signed, bits, offset, value, overflow));
            j += kind == Kind.Get ? 2 : 3;
        }
        return operations;
    }

    private static bool TryParseType(ReadOnlySpan<byte> text, out bool signed, out int bits)
    {
        // Lower case only, as Redis's getBitfieldTypeFromArgument reads it: "I8" is refused.
        signed = text is [(byte)'i', ..];
        bits = 0;
        if (!signed && text is not [(byte)'u', ..])
        {
            return false;
        }
        return IntegerText.TryParse(text[1..], out var width) && width >= 1 && (signed ? width <= 64 : width <= 63) && (bits = (int)width) > 0;
    }
}
