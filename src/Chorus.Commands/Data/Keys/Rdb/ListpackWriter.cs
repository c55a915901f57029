using System.Buffers;
using System.Buffers.Binary;

namespace Chorus.Commands.Data.Keys.Rdb;

/// <summary>
/// Builds a Redis listpack (listpack.c): <c>u32 LE total bytes | u16 LE element count | entries | 0xFF</c>,
/// each entry its encoding and data followed by its back-length. Integers take the smallest
/// integer encoding, strings the smallest string one, as lpAppend and lpAppendInteger choose.
/// </summary>
internal sealed class ListpackWriter
{
    private const int HeaderLength = 6;
    private const byte End = 0xff;

    private readonly ArrayBufferWriter<byte> _entries = new(256);
    private int _count;

    public void Add(long value)
    {
        Span<byte> entry = stackalloc byte[9];
        var length = EncodeInteger(value, entry);
        Append(entry[..length]);
    }

    public void Add(ReadOnlySpan<byte> text)
    {
        var header = text.Length < 64 ? 1 : text.Length < 4096 ? 2 : 5;
        var entry = new byte[header + text.Length];
        if (header == 1)
        {
            entry[0] = (byte)(0x80 | text.Length);
        }
        else if (header == 2)
        {
            entry[0] = (byte)(0xe0 | (text.Length >> 8));
            entry[1] = (byte)text.Length;
        }
        else
        {
            entry[0] = 0xf0;
            BinaryPrimitives.WriteUInt32LittleEndian(entry.AsSpan(1), (uint)text.Length);
        }
        text.CopyTo(entry.AsSpan(header));
        Append(entry);
    }

    public byte[] ToArray()
    {
        var total = HeaderLength + _entries.WrittenCount + 1;
        var lp = new byte[total];
        BinaryPrimitives.WriteUInt32LittleEndian(lp, (uint)total);
        BinaryPrimitives.WriteUInt16LittleEndian(lp.AsSpan(4), (ushort)Math.Min(_count, ushort.MaxValue)); // 65535: "count them"
        _entries.WrittenSpan.CopyTo(lp.AsSpan(HeaderLength));
        lp[^1] = End;
        return lp;
    }

    private void Append(ReadOnlySpan<byte> entry)
    {
        _entries.Write(entry);
        Span<byte> back = stackalloc byte[5];
        var length = EncodeBackLength(entry.Length, back);
        _entries.Write(back[..length]);
        _count++;
    }

    private static int EncodeInteger(long value, Span<byte> entry)
    {
        if (value is >= 0 and <= 127)
        {
            entry[0] = (byte)value;
            return 1;
        }
        if (value is >= -4096 and <= 4095)
        {
            var bits = (ushort)(value & 0x1fff);
            entry[0] = (byte)(0xc0 | (bits >> 8));
            entry[1] = (byte)bits;
            return 2;
        }
        if (value is >= short.MinValue and <= short.MaxValue)
        {
            entry[0] = 0xf1;
            BinaryPrimitives.WriteInt16LittleEndian(entry[1..], (short)value);
            return 3;
        }
        if (value is >= -(1 << 23) and < 1 << 23)
        {
            entry[0] = 0xf2;
            entry[1] = (byte)value;
            entry[2] = (byte)(value >> 8);
            entry[3] = (byte)(value >> 16);
            return 4;
        }
        if (value is >= int.MinValue and <= int.MaxValue)
        {
            entry[0] = 0xf3;
            BinaryPrimitives.WriteInt32LittleEndian(entry[1..], (int)value);
            return 5;
        }
        entry[0] = 0xf4;
        BinaryPrimitives.WriteInt64LittleEndian(entry[1..], value);
        return 9;
    }

    /// <summary>lpEncodeBacklen: the entry's length in 7-bit groups, most significant first, every byte but the first with its high bit set.</summary>
    private static int EncodeBackLength(int length, Span<byte> back)
    {
        var groups = length <= 127 ? 1 : length < 16383 ? 2 : length < 2097151 ? 3 : length < 268435455 ? 4 : 5;
        for (var i = 0; i < groups; i++)
        {
            var shift = 7 * (groups - 1 - i);
            back[i] = (byte)(((length >> shift) & 127) | (i == 0 ? 0 : 128));
        }
        return groups;
    }
}
