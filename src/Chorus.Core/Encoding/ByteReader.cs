using System.Buffers.Binary;

namespace Chorus.Core.Encoding;

/// <summary>
/// Reads the fields <see cref="ByteWriter"/> writes. Malformed input throws
/// <see cref="CorruptDataException"/>: a record that cannot be decoded is never guessed at.
/// </summary>
public ref struct ByteReader(ReadOnlySpan<byte> input)
{
    private readonly ReadOnlySpan<byte> _input = input;
    private int _position;

    public readonly int Position => _position;

    public readonly int Remaining => _input.Length - _position;

    public readonly bool IsEnd => _position == _input.Length;

    public readonly ReadOnlySpan<byte> Rest => _input[_position..];

    public byte ReadByte()
    {
        Require(1);
        return _input[_position++];
    }

    public ulong ReadVarUInt()
    {
        if (!VarInt.TryRead(_input[_position..], out var value, out var consumed))
        {
            throw new CorruptDataException("truncated or overlong varint");
        }
        _position += consumed;
        return value;
    }

    public long ReadVarInt() => VarInt.UnZigZag(ReadVarUInt());

    /// <summary>An epoch; one beyond <see cref="Epoch.Max"/> is corrupt or forged and refused.</summary>
    public Epoch ReadEpoch()
    {
        var epoch = new Epoch(ReadVarUInt());
        return epoch.IsValid ? epoch : throw new CorruptDataException($"epoch {epoch} is beyond the largest valid epoch {Epoch.Max}");
    }

    public int ReadLength(int max = int.MaxValue)
    {
        var length = ReadVarUInt();
        if (length > (ulong)max || length > (ulong)Remaining)
        {
            throw new CorruptDataException($"length {length} exceeds the {Remaining} bytes left");
        }
        return (int)length;
    }

    public ulong ReadUInt64BigEndian()
    {
        Require(8);
        var value = BinaryPrimitives.ReadUInt64BigEndian(_input.Slice(_position, 8));
        _position += 8;
        return value;
    }

    public long ReadInt64LittleEndian()
    {
        Require(8);
        var value = BinaryPrimitives.ReadInt64LittleEndian(_input.Slice(_position, 8));
        _position += 8;
        return value;
    }

    public ulong ReadUInt64LittleEndian()
    {
        Require(8);
        var value = BinaryPrimitives.ReadUInt64LittleEndian(_input.Slice(_position, 8));
        _position += 8;
        return value;
    }

    public ReadOnlySpan<byte> ReadRaw(int length)
    {
        Require(length);
        var slice = _input.Slice(_position, length);
        _position += length;
        return slice;
    }

    public ReadOnlySpan<byte> ReadLengthPrefixed() => ReadRaw(ReadLength());

    private readonly void Require(int count)
    {
        if (count < 0 || Remaining < count)
        {
            throw new CorruptDataException($"needed {count} bytes, {Remaining} left");
        }
    }
}
