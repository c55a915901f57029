using System.Numerics;
using Chorus.Commands.Data.Numbers;
using Chorus.Commands.Execution;
using Chorus.Resp;

namespace Chorus.Commands.Data.Bitmaps;

/// <summary>
/// The [start end [BYTE|BIT]] range of BITCOUNT and BITPOS, normalised as Redis 7.0 does (negative
/// indices count from the end; BIT counts bits, BYTE bytes), and the bit scans over it.
/// </summary>
internal readonly record struct BitRange(long FirstBit, long LastBit)
{
    public bool IsEmpty => FirstBit > LastBit;

    /// <summary>Parses BYTE | BIT at <paramref name="index"/> (absent: BYTE); false after a syntax error.</summary>
    public static bool TryParseUnit(RespCommand command, int index, RespWriter reply, out bool bits)
    {
        bits = false;
        if (index >= command.ArgumentCount)
        {
            return true;
        }
        bits = command.ArgumentIs(index, "BIT"u8);
        if (!bits && !command.ArgumentIs(index, "BYTE"u8))
        {
            reply.WriteError(Errors.Syntax);
            return false;
        }
        return true;
    }

    public static bool TryParseIndex(ReadOnlySpan<byte> text, RespWriter reply, out long value)
    {
        if (IntegerText.TryParse(text, out value))
        {
            return true;
        }
        reply.WriteError(Errors.NotInteger);
        return false;
    }

    /// <summary>Normalises start and end (in bytes or bits) over a string of <paramref name="length"/> bytes.</summary>
    public static BitRange Normalize(long start, long end, long length, bool bits)
    {
        var total = bits ? length << 3 : length;
        start = start < 0 ? total + start : start;
        end = end < 0 ? total + end : end;
        start = Math.Max(0, start);
        end = Math.Min(Math.Max(0, end), total - 1);
        if (start > end)
        {
            // Before any shift: BITPOS k 1 9223372036854775807 4 must not overflow into a negative bit.
            return new BitRange(0, -1);
        }
        return bits ? new BitRange(start, end) : new BitRange(start << 3, (end << 3) + 7);
    }

    public long Count(ReadOnlySpan<byte> text)
    {
        if (IsEmpty)
        {
            return 0;
        }
        long count = 0;
        for (var bit = FirstBit; bit <= LastBit;)
        {
            if ((bit & 7) == 0 && bit + 63 <= LastBit && (bit >> 3) + 8 <= text.Length)
            {
                count += BitOperations.PopCount(System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(text[(int)(bit >> 3)..]));
                bit += 64;
                continue;
            }
            count += BitAt(text, bit);
            bit++;
        }
        return count;
    }

    /// <summary>The first bit equal to <paramref name="bit"/> in the range, or -1.</summary>
    public long Find(ReadOnlySpan<byte> text, int bit)
    {
        var skip = bit == 1 ? (byte)0x00 : (byte)0xFF;
        for (var position = FirstBit; position <= LastBit;)
        {
            if ((position & 7) == 0 && position + 7 <= LastBit && text[(int)(position >> 3)] == skip)
            {
                position += 8;
                continue;
            }
            if (BitAt(text, position) == bit)
            {
                return position;
            }
            position++;
        }
        return -1;
    }

    public static int BitAt(ReadOnlySpan<byte> text, long bit) =>
        (bit >> 3) < text.Length && (text[(int)(bit >> 3)] & (1 << (7 - (int)(bit & 7)))) != 0 ? 1 : 0;
}
