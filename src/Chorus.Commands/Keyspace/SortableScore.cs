using System.Buffers.Binary;

namespace Chorus.Commands.Keyspace;

/// <summary>
/// Doubles as u64s whose unsigned order is numeric order: −inf first, +inf last. Negative values
/// have every bit flipped, others only the sign bit. −0 is stored as +0 (Redis treats them as equal
/// and its small sorted sets store 0), so equal scores always sort by member. NaN never reaches here.
/// </summary>
public static class SortableScore
{
    public const int Length = sizeof(ulong);

    public static ulong Encode(double score)
    {
        var bits = BitConverter.DoubleToInt64Bits(score == 0 ? 0.0 : score);
        return bits < 0 ? ~(ulong)bits : (ulong)bits ^ 0x8000_0000_0000_0000;
    }

    public static double Decode(ulong sortable)
    {
        var bits = (sortable & 0x8000_0000_0000_0000) != 0 ? sortable ^ 0x8000_0000_0000_0000 : ~sortable;
        return BitConverter.Int64BitsToDouble((long)bits);
    }

    public static double Read(ReadOnlySpan<byte> bytes) => Decode(BinaryPrimitives.ReadUInt64BigEndian(bytes));

    public static void Write(Span<byte> destination, double score) => BinaryPrimitives.WriteUInt64BigEndian(destination, Encode(score));
}
