namespace Chorus.Core;

/// <summary>
/// Log sequence number: the position of an entry in a node's replication log.
/// LSNs start at 1; <see cref="Zero"/> means "nothing yet".
/// </summary>
public readonly record struct Lsn(ulong Value) : IComparable<Lsn>
{
    public static readonly Lsn Zero = new(0);

    public Lsn Next => new(Value + 1);

    public Lsn Previous => Value == 0 ? Zero : new(Value - 1);

    public int CompareTo(Lsn other) => Value.CompareTo(other.Value);

    public static bool operator <(Lsn left, Lsn right) => left.Value < right.Value;
    public static bool operator >(Lsn left, Lsn right) => left.Value > right.Value;
    public static bool operator <=(Lsn left, Lsn right) => left.Value <= right.Value;
    public static bool operator >=(Lsn left, Lsn right) => left.Value >= right.Value;

    public static Lsn Min(Lsn a, Lsn b) => a <= b ? a : b;
    public static Lsn Max(Lsn a, Lsn b) => a >= b ? a : b;

    /// <summary>Entries from <paramref name="older"/> (exclusive) to this (inclusive).</summary>
    public ulong DistanceFrom(Lsn older) => Value > older.Value ? Value - older.Value : 0;

    public override string ToString() => Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
