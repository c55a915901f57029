namespace Chorus.Core;

/// <summary>
/// Leadership epoch (Raft's term). It increases with every change of leader and is stored
/// durably; every peer message carries it so stale leaders are fenced off.
/// </summary>
public readonly record struct Epoch(ulong Value) : IComparable<Epoch>
{
    public static readonly Epoch Zero = new(0);

    /// <summary>
    /// The largest epoch a node accepts, reaches or stores: 2^63 − 1. No real cluster gets near
    /// it (a million elections a second for 290,000 years), and capping it far below 2^64 means
    /// <see cref="Next"/> can never wrap to zero — which once made a forged epoch of 2^64 − 1
    /// leave a cluster unable to elect any leader again. Codecs refuse anything larger.
    /// </summary>
    public static readonly Epoch Max = new(long.MaxValue);

    public bool IsValid => Value <= Max.Value;

    /// <summary>Whether another election can follow this epoch (false only at <see cref="Max"/>).</summary>
    public bool HasNext => Value < Max.Value;

    public Epoch Next
    {
        get
        {
            Invariant.That(HasNext, $"epoch {Value} has no successor: epochs never wrap");
            return new(Value + 1);
        }
    }

    public int CompareTo(Epoch other) => Value.CompareTo(other.Value);

    public static bool operator <(Epoch left, Epoch right) => left.Value < right.Value;
    public static bool operator >(Epoch left, Epoch right) => left.Value > right.Value;
    public static bool operator <=(Epoch left, Epoch right) => left.Value <= right.Value;
    public static bool operator >=(Epoch left, Epoch right) => left.Value >= right.Value;

    public override string ToString() => Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
