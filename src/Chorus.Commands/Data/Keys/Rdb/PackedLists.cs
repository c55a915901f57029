using System.Buffers.Binary;
using System.Globalization;
using Chorus.Core.Encoding;

namespace Chorus.Commands.Data.Keys.Rdb;

/// <summary>
/// The compact encodings Redis stores small collections in, as they appear inside RDB strings:
/// listpack (Redis 7: lists' quicklist nodes, small hashes and sorted sets), ziplist (before 7.0)
/// and intset (sets of integers). Each yields its elements in order, integers as decimal text.
/// </summary>
internal static class PackedLists
{
    private const byte End = 0xff;

    public static List<byte[]> Listpack(ReadOnlySpan<byte> lp)
    {
        if (lp.Length < 7 || BinaryPrimitives.ReadUInt32LittleEndian(lp) != lp.Length || lp[^1] != End)
        {
            throw new CorruptDataException("a listpack with a wrong header");
        }
        var items = new List<byte[]>();
        var at = 6;
        while (lp[at] != End)
        {
            var start = at;
            var b = lp[at];
            byte[] item;
            if ((b & 0x80) == 0)
            {
                item = Text(b & 0x7f);
                at += 1;
            }
            else if ((b & 0xc0) == 0x80)
            {
                var length = b & 0x3f;
                item = Slice(lp, at + 1, length);
                at += 1 + length;
            }
            else if ((b & 0xe0) == 0xc0)
            {
                var value = ((b & 0x1f) << 8) | Byte(lp, at + 1);
                item = Text(value >= 1 << 12 ? value - (1 << 13) : value);
                at += 2;
            }
            else if ((b & 0xf0) == 0xe0)
            {
                var length = ((b & 0x0f) << 8) | Byte(lp, at + 1);
                item = Slice(lp, at + 2, length);
                at += 2 + length;
            }
            else
            {
                (item, at) = b switch
                {
                    0xf0 => String32(lp, at),
                    0xf1 => (Text(BinaryPrimitives.ReadInt16LittleEndian(Slice(lp, at + 1, 2))), at + 3),
                    0xf2 => (Text(Int24(Slice(lp, at + 1, 3))), at + 4),
                    0xf3 => (Text(BinaryPrimitives.ReadInt32LittleEndian(Slice(lp, at + 1, 4))), at + 5),
                    0xf4 => (Text(BinaryPrimitives.ReadInt64LittleEndian(Slice(lp, at + 1, 8))), at + 9),
                    _ => throw new CorruptDataException($"unknown listpack encoding {b:x2}"),
                };
            }
            at += BackLengthSize(at - start);
            if (at >= lp.Length)
            {
                throw new CorruptDataException("a listpack without its end");
            }
            items.Add(item);
        }
        return items;
    }

    public static List<byte[]> Ziplist(ReadOnlySpan<byte> zl)
    {
        if (zl.Length < 11 || BinaryPrimitives.ReadUInt32LittleEndian(zl) != zl.Length || zl[^1] != End)
        {
            throw new CorruptDataException("a ziplist with a wrong header");
        }
        var items = new List<byte[]>();
        var at = 10;
        while (zl[at] != End)
        {
            at += zl[at] == 0xfe ? 5 : 1; // the previous entry's length
            var b = Byte(zl, at);
            byte[] item;
            switch (b >> 6)
            {
                case 0:
                    item = Slice(zl, at + 1, b & 0x3f);
                    at += 1 + item.Length;
                    break;
                case 1:
                    item = Slice(zl, at + 2, ((b & 0x3f) << 8) | Byte(zl, at + 1));
                    at += 2 + item.Length;
                    break;
                case 2:
                    item = Slice(zl, at + 5, (int)BinaryPrimitives.ReadUInt32BigEndian(Slice(zl, at + 1, 4)));
                    at += 5 + item.Length;
                    break;
                default:
                    (item, at) = b switch
                    {
                        0xc0 => (Text(BinaryPrimitives.ReadInt16LittleEndian(Slice(zl, at + 1, 2))), at + 3),
                        0xd0 => (Text(BinaryPrimitives.ReadInt32LittleEndian(Slice(zl, at + 1, 4))), at + 5),
                        0xe0 => (Text(BinaryPrimitives.ReadInt64LittleEndian(Slice(zl, at + 1, 8))), at + 9),
                        0xf0 => (Text(Int24(Slice(zl, at + 1, 3))), at + 4),
                        0xfe => (Text((sbyte)Byte(zl, at + 1)), at + 2),
                        >= 0xf1 and <= 0xfd => (Text((b & 0x0f) - 1), at + 1),
                        _ => throw new CorruptDataException($"unknown ziplist encoding {b:x2}"),
                    };
                    break;
            }
            if (at >= zl.Length)
            {
                throw new CorruptDataException("a ziplist without its end");
            }
            items.Add(item);
        }
        return items;
    }

    public static List<byte[]> Intset(ReadOnlySpan<byte> set)
    {
        if (set.Length < 8)
        {
            throw new CorruptDataException("an intset with a wrong header");
        }
        var width = (int)BinaryPrimitives.ReadUInt32LittleEndian(set);
        var count = BinaryPrimitives.ReadUInt32LittleEndian(set[4..]);
        if (width is not (2 or 4 or 8) || (ulong)set.Length != 8 + (ulong)width * count)
        {
            throw new CorruptDataException("an intset with a wrong length");
        }
        var items = new List<byte[]>((int)count);
        for (var i = 0; i < count; i++)
        {
            var value = set.Slice(8 + i * width, width);
            items.Add(Text(width switch
            {
                2 => BinaryPrimitives.ReadInt16LittleEndian(value),
                4 => BinaryPrimitives.ReadInt32LittleEndian(value),
                _ => BinaryPrimitives.ReadInt64LittleEndian(value),
            }));
        }
        return items;
    }

    private static (byte[] Item, int Next) String32(ReadOnlySpan<byte> lp, int at)
    {
        var length = (int)BinaryPrimitives.ReadUInt32LittleEndian(Slice(lp, at + 1, 4));
        return (Slice(lp, at + 5, length), at + 5 + length);
    }

    /// <summary>A listpack entry ends with its own length (encoding and data), in 1 to 5 bytes.</summary>
    private static int BackLengthSize(int entryLength) =>
        entryLength < 128 ? 1 : entryLength < 16384 ? 2 : entryLength < 2097152 ? 3 : entryLength < 268435456 ? 4 : 5;

    private static int Int24(ReadOnlySpan<byte> b) => (b[0] | (b[1] << 8) | (b[2] << 16)) << 8 >> 8;

    private static byte Byte(ReadOnlySpan<byte> data, int at) =>
        at < data.Length ? data[at] : throw new CorruptDataException("an entry past the end");

    private static byte[] Slice(ReadOnlySpan<byte> data, int at, int length) =>
        length >= 0 && at + length <= data.Length ? data.Slice(at, length).ToArray() : throw new CorruptDataException("an entry past the end");

    private static byte[] Text(long value) => System.Text.Encoding.ASCII.GetBytes(value.ToString(CultureInfo.InvariantCulture));
}
