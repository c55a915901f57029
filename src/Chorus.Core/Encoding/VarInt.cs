namespace Chorus.Core.Encoding;

/// <summary>LEB128 unsigned varints (canonical: shortest form only) and zig-zag signed mapping (as protobuf).</summary>
public static class VarInt
{
    public static int Write(Span<byte> destination, ulong value)
    {
        var i = 0;
        while (value >= 0x80)
        {
            destination[i++] = (byte)(value | 0x80);
            value >>= 7;
        }
        destination[i++] = (byte)value;
        return i;
    }

    public static int Length(ulong value)
    {
        var length = 1;
        while (value >= 0x80)
        {
            value >>= 7;
            length++;
        }
        return length;
    }

    public static bool TryRead(ReadOnlySpan<byte> source, out ulong value, out int consumed)
    {
        value = 0;
        var shift = 0;
        for (var i = 0; i < source.Length && i < ByteWriter.VarIntLengthMax; i++)
        {
            var b = source[i];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                // Refuse what no writer produces: a last byte of zero (an overlong encoding of a
                // shorter number) and a tenth byte carrying bits past 64 (silently lost otherwise).
                // Every encoding then has one value and every value one encoding.
                var canonical = (b != 0 || i == 0) && (i < ByteWriter.VarIntLengthMax - 1 || b <= 1);
                consumed = canonical ? i + 1 : 0;
                value = canonical ? value : 0;
                return canonical;
            }
            shift += 7;
        }
        consumed = 0;
        value = 0;
        return false;
    }

    public static ulong ZigZag(long value) => (ulong)((value << 1) ^ (value >> 63));

    public static long UnZigZag(ulong value) => (long)(value >> 1) ^ -(long)(value & 1);
}
