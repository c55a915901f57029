namespace Chorus.Core;

/// <summary>
/// Hybrid logical clock timestamp: 48 bits of physical milliseconds since the Unix epoch and a
/// 16-bit logical counter, packed so that ordinary integer order is causal order.
/// </summary>
public readonly record struct HlcTimestamp(ulong Packed) : IComparable<HlcTimestamp>
{
    private const int LogicalBits = 16;
    private const ulong LogicalMask = (1UL << LogicalBits) - 1;

    public static readonly HlcTimestamp Zero = new(0);

    public static HlcTimestamp From(long physicalMs, ushort logical) =>
        new(((ulong)physicalMs << LogicalBits) | logical);

    public long PhysicalMs => (long)(Packed >> LogicalBits);

    public ushort Logical => (ushort)(Packed & LogicalMask);

    public int CompareTo(HlcTimestamp other) => Packed.CompareTo(other.Packed);

    public static bool operator <(HlcTimestamp left, HlcTimestamp right) => left.Packed < right.Packed;
    public static bool operator >(HlcTimestamp left, HlcTimestamp right) => left.Packed > right.Packed;
    public static bool operator <=(HlcTimestamp left, HlcTimestamp right) => left.Packed <= right.Packed;
    public static bool operator >=(HlcTimestamp left, HlcTimestamp right) => left.Packed >= right.Packed;

    public override string ToString() => $"{PhysicalMs}.{Logical}";
}
