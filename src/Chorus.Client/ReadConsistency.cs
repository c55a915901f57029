using System.Globalization;

namespace Chorus.Client;

/// <summary>The read guarantees a session can ask for (docs/consistency.md).</summary>
public enum ReadLevel
{
    /// <summary>Any replica's state as it is: the fastest read, and the only one that can go back in time.</summary>
    Eventual,

    /// <summary>At least everything this session wrote (and any token it adopted).</summary>
    ReadYourWrites,

    /// <summary>Never an older state than the session already read or wrote.</summary>
    Monotonic,

    /// <summary>A state at most <see cref="ReadConsistency.Bound"/> old.</summary>
    Bounded,

    /// <summary>Linearizable: every write acknowledged before the read began, and nothing a failover can take back.</summary>
    Strong,
}

/// <summary>
/// A read level with its bound: what <see cref="ChorusSession"/> asks the cluster for on every
/// read. Immutable; use the static members (<see cref="Eventual"/>, <see cref="BoundedBy"/> …).
/// </summary>
public sealed record ReadConsistency
{
    private ReadConsistency(ReadLevel level, TimeSpan bound)
    {
        Level = level;
        Bound = bound;
    }

    public ReadLevel Level { get; }

    /// <summary>The staleness bound of <see cref="ReadLevel.Bounded"/>; zero for the other levels.</summary>
    public TimeSpan Bound { get; }

    public static ReadConsistency Eventual { get; } = new(ReadLevel.Eventual, TimeSpan.Zero);

    public static ReadConsistency ReadYourWrites { get; } = new(ReadLevel.ReadYourWrites, TimeSpan.Zero);

    public static ReadConsistency Monotonic { get; } = new(ReadLevel.Monotonic, TimeSpan.Zero);

    public static ReadConsistency Strong { get; } = new(ReadLevel.Strong, TimeSpan.Zero);

    /// <summary>Reads at most <paramref name="bound"/> stale (whole milliseconds, at least 0).</summary>
    public static ReadConsistency BoundedBy(TimeSpan bound)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bound, TimeSpan.Zero);
        return new(ReadLevel.Bounded, TimeSpan.FromMilliseconds(Math.Floor(bound.TotalMilliseconds)));
    }

    /// <summary>The level from its parts, as options carry them.</summary>
    public static ReadConsistency Of(ReadLevel level, TimeSpan bound) => level switch
    {
        ReadLevel.Eventual => Eventual,
        ReadLevel.ReadYourWrites => ReadYourWrites,
        ReadLevel.Monotonic => Monotonic,
        ReadLevel.Strong => Strong,
        ReadLevel.Bounded => BoundedBy(bound),
        _ => throw new ArgumentOutOfRangeException(nameof(level), level, "unknown read level"),
    };

    /// <summary>The level's words in <c>CHORUS.READ</c>: <c>bounded 500</c>, <c>read-your-writes</c>.</summary>
    internal IEnumerable<object> Arguments()
    {
        yield return Level switch
        {
            ReadLevel.Eventual => "eventual",
            ReadLevel.ReadYourWrites => "read-your-writes",
            ReadLevel.Monotonic => "monotonic",
            ReadLevel.Bounded => "bounded",
            _ => "strong",
        };
        if (Level == ReadLevel.Bounded)
        {
            yield return ((long)Bound.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
        }
    }

    public override string ToString() => string.Join(' ', Arguments());
}
