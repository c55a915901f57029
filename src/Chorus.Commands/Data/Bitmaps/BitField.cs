namespace Chorus.Commands.Data.Bitmaps;

/// <summary>
/// Integer fields at any bit offset of a string, most significant bit first, and Redis's overflow
/// rules for SET and INCRBY (WRAP, SAT, FAIL), ported from bitops.c.
/// </summary>
internal static class BitField
{
    public enum Overflow
    {
        Wrap,
        Sat,
        Fail,
    }

    public static ulong GetUnsigned(ReadOnlySpan<byte> text, long offset, int bits)
    {
        ulong value = 0;
        for (var j = 0; j < bits; j++, offset++)
        {
            value = (value << 1) | (uint)BitRange.BitAt(text, offset);
        }
        return value;
    }

    public static long GetSigned(ReadOnlySpan<byte> text, long offset, int bits)
    {
        var value = (long)GetUnsigned(text, offset, bits);
        return bits < 64 && (value & (1L << (bits - 1))) != 0 ? value | (long)(ulong.MaxValue << bits) : value;
    }

    public static void Set(Span<byte> text, long offset, int bits, ulong value)
    {
        for (var j = 0; j < bits; j++, offset++)
        {
            var bit = (value >> (bits - 1 - j)) & 1;
            var mask = (byte)(1 << (7 - (int)(offset & 7)));
            ref var b = ref text[(int)(offset >> 3)];
            b = bit == 1 ? (byte)(b | mask) : (byte)(b & ~mask);
        }
    }

    /// <summary>Redis's checkSignedBitfieldOverflow: true when value + increment leaves the field, with the value to store instead.</summary>
    public static bool SignedOverflows(long value, long increment, int bits, Overflow overflow, out long limited)
    {
        var max = bits == 64 ? long.MaxValue : (1L << (bits - 1)) - 1;
        var min = -max - 1;
        var maxIncrement = unchecked(max - value);
        var minIncrement = unchecked(min - value);
        limited = 0;
        if (value > max || (bits != 64 && increment > maxIncrement) || (value >= 0 && increment > 0 && increment > maxIncrement))
        {
            limited = overflow == Overflow.Wrap ? Wrap(value, increment, bits) : max;
            return true;
        }
        if (value < min || (bits != 64 && increment < minIncrement) || (value < 0 && increment < 0 && increment < minIncrement))
        {
            limited = overflow == Overflow.Wrap ? Wrap(value, increment, bits) : min;
            return true;
        }
        return false;
    }

    /// <summary>Redis's checkUnsignedBitfieldOverflow.</summary>
    public static bool UnsignedOverflows(ulong value, long increment, int bits, Overflow overflow, out ulong limited)
    {
        var max = bits == 64 ? ulong.MaxValue : (1UL << bits) - 1;
        var maxIncrement = unchecked((long)(max - value));
        var minIncrement = unchecked(-(long)value);
        limited = 0;
        if (value > max || (increment > 0 && increment > maxIncrement))
        {
            limited = overflow == Overflow.Wrap ? WrapUnsigned(value, increment, bits) : max;
            return true;
        }
        if (increment < 0 && increment < minIncrement)
        {
            limited = overflow == Overflow.Wrap ? WrapUnsigned(value, increment, bits) : 0;
            return true;
        }
        return false;
    }

    private static long Wrap(long value, long increment, int bits)
    {
        var sum = unchecked((ulong)value + (ulong)increment);
        if (bits < 64)
        {
            var mask = ulong.MaxValue << bits;
            sum = (sum & (1UL << (bits - 1))) != 0 ? sum | mask : sum & ~mask;
        }
        return (long)sum;
    }

    private static ulong WrapUnsigned(ulong value, long increment, int bits) =>
        unchecked(value + (ulong)increment) & ~(ulong.MaxValue << bits);
}
