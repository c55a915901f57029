using System.Buffers.Binary;

namespace Chorus.Commands.Keyspace;

/// <summary>A sorted-set member's stored score: the double's 8 bytes, little-endian.</summary>
public static class ScoreBytes
{
    public static byte[] Encode(double score)
    {
        var bytes = new byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, BitConverter.DoubleToInt64Bits(score));
        return bytes;
    }

    public static double Decode(ReadOnlySpan<byte> bytes) => BitConverter.Int64BitsToDouble(BinaryPrimitives.ReadInt64LittleEndian(bytes));
}
