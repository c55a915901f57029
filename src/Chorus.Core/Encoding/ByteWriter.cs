using System.Buffers;
using System.Buffers.Binary;

namespace Chorus.Core.Encoding;

/// <summary>
/// Appends binary fields (varints, fixed-width integers, length-prefixed bytes) to an
/// <see cref="IBufferWriter{T}"/>. The one encoder behind every on-disk and on-wire format.
/// </summary>
public readonly struct ByteWriter(IBufferWriter<byte> output)
{
    public const int VarIntLengthMax = 10;

    public void WriteByte(byte value)
    {
        output.GetSpan(1)[0] = value;
        output.Advance(1);
    }

    public void WriteVarUInt(ulong value)
    {
        var span = output.GetSpan(VarIntLengthMax);
        var written = VarInt.Write(span, value);
        output.Advance(written);
    }

    public void WriteVarInt(long value) => WriteVarUInt(VarInt.ZigZag(value));

    public void WriteUInt64BigEndian(ulong value)
    {
        BinaryPrimitives.WriteUInt64BigEndian(output.GetSpan(8), value);
        output.Advance(8);
    }

    public void WriteInt64LittleEndian(long value)
    {
        BinaryPrimitives.WriteInt64LittleEndian(output.GetSpan(8), value);
        output.Advance(8);
    }

    public void WriteUInt64LittleEndian(ulong value)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(output.GetSpan(8), value);
        output.Advance(8);
    }

    public void WriteRaw(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty)
        {
            return;
        }
        bytes.CopyTo(output.GetSpan(bytes.Length));
        output.Advance(bytes.Length);
    }

    /// <summary>Writes a varint length, then the bytes.</summary>
    public void WriteLengthPrefixed(ReadOnlySpan<byte> bytes)
    {
        WriteVarUInt((ulong)bytes.Length);
        WriteRaw(bytes);
    }
}
