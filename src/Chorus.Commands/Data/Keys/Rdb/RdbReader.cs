using System.Buffers.Binary;
using System.Globalization;
using Chorus.Core.Encoding;

namespace Chorus.Commands.Data.Keys.Rdb;

/// <summary>
/// Reads RDB's building blocks (rdb.c): lengths (6-bit, 14-bit, 32-bit and 64-bit big-endian
/// forms), strings (plain, integer-encoded, LZF-compressed), and doubles (binary, and the old
/// length-prefixed text). Anything malformed throws <see cref="CorruptDataException"/>.
/// </summary>
internal ref struct RdbReader(ReadOnlySpan<byte> data)
{
    private const int Encoded = 3;
    private const int EncodingInt8 = 0, EncodingInt16 = 1, EncodingInt32 = 2, EncodingLzf = 3;

    private readonly ReadOnlySpan<byte> _data = data;
    private int _at;

    public readonly bool IsEnd => _at == _data.Length;

    public byte ReadByte() => Take(1)[0];

    /// <summary>A collection's length (never an encoded string's marker), bounded by what is left to read.</summary>
    public int ReadCount()
    {
        var length = ReadLength(out var encoded);
        if (encoded || length > (ulong)(_data.Length - _at))
        {
            throw new CorruptDataException("a length past the payload");
        }
        return (int)length;
    }

    /// <summary>A length-encoded number (rdbLoadLen), up to 64 bits: stream ids, counters.</summary>
    public ulong ReadNumber()
    {
        var value = ReadLength(out var encoded);
        return encoded ? throw new CorruptDataException("an encoded string where a number belongs") : value;
    }

    /// <summary><paramref name="count"/> bytes as they are (a stream id's 16 bytes, a millisecond time's 8).</summary>
    public ReadOnlySpan<byte> ReadRaw(int count) => Take(count);

    public byte[] ReadString()
    {
        var length = ReadLength(out var encoded);
        if (!encoded)
        {
            return Take(Checked(length)).ToArray();
        }
        return (int)length switch
        {
            EncodingInt8 => Text((sbyte)ReadByte()),
            EncodingInt16 => Text(BinaryPrimitives.ReadInt16LittleEndian(Take(2))),
            EncodingInt32 => Text(BinaryPrimitives.ReadInt32LittleEndian(Take(4))),
            EncodingLzf => ReadCompressed(),
            _ => throw new CorruptDataException($"unknown string encoding {length}"),
        };
    }

    public double ReadBinaryDouble() => BinaryPrimitives.ReadDoubleLittleEndian(Take(8));

    /// <summary>RDB_TYPE_ZSET's score: a length byte (253 nan, 254 +inf, 255 -inf) and the text.</summary>
    public double ReadTextDouble()
    {
        var length = ReadByte();
        return length switch
        {
            253 => double.NaN,
            254 => double.PositiveInfinity,
            255 => double.NegativeInfinity,
            _ => double.TryParse(Take(length), NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
                ? value : throw new CorruptDataException("a score that is not a number"),
        };
    }

    private byte[] ReadCompressed()
    {
        var compressed = Checked(ReadLength(out _));
        var length = ReadLength(out _);
        if (length > 512L * 1024 * 1024)
        {
            throw new CorruptDataException("a compressed string past 512 MB");
        }
        return Lzf.Decompress(Take(compressed), (int)length);
    }

    private ulong ReadLength(out bool encoded)
    {
        var first = ReadByte();
        encoded = false;
        switch (first >> 6)
        {
            case 0:
                return (ulong)(first & 0x3f);
            case 1:
                return ((ulong)(first & 0x3f) << 8) | ReadByte();
            case Encoded:
                encoded = true;
                return (ulong)(first & 0x3f);
        }
        return first switch
        {
            0x80 => BinaryPrimitives.ReadUInt32BigEndian(Take(4)),
            0x81 => BinaryPrimitives.ReadUInt64BigEndian(Take(8)),
            _ => throw new CorruptDataException($"unknown length encoding {first:x2}"),
        };
    }

    private readonly int Checked(ulong length) =>
        length <= (ulong)(_data.Length - _at) ? (int)length : throw new CorruptDataException("a string past the payload");

    private ReadOnlySpan<byte> Take(int count)
    {
        if (count > _data.Length - _at)
        {
            throw new CorruptDataException("the payload ends early");
        }
        var taken = _data.Slice(_at, count);
        _at += count;
        return taken;
    }

    private static byte[] Text(long value) => System.Text.Encoding.ASCII.GetBytes(value.ToString(CultureInfo.InvariantCulture));
}
