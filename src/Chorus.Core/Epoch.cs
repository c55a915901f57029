namespace Chorus.Core;

/// <summary>
/// Leadership epoch (Raft's term). It increases with every change of leader and is stored
/// durably; every peer message carries it so stale leaders are fenced off.
/// </summary>
public readonly record struct Epoch(ulong Value) : IComparable<Epoch>
{
    public static readonly Epoch Zero = new(0);

    public Epoch Next => new(Value + 1);

    public int CompareTo(Epoch other) => Value.CompareTo(other.Value);

    public static bool operator <(Epoch left, Epoch right) => left.Value < right.Value;
    public static bool operator >(Epoch left, Epoch right) => left.Value > right.Value;
    public static bool operator <=(Epoch left, Epoch right) => left.Value <= right.Value;
    public static bool operator >=(Epoch left, Epoch right) => left.Value >= right.Value;

    public override string ToString() => Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
