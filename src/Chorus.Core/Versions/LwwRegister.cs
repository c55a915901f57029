namespace Chorus.Core.Versions;

/// <summary>
/// A last-write-wins register (DDIA ch. 5, "Last write wins"): the value of the write with the
/// highest HLC timestamp, the origin site id breaking ties. It also carries the write's version
/// vector, not to pick the winner but to tell the two ways a value can lose: overwritten by a
/// write that saw it (<see cref="LwwOutcome.Superseded"/>, nothing lost), or beaten by a
/// concurrent write (<see cref="LwwOutcome.ConflictResolved"/>: the loser must go to the conflict
/// log — LWW never drops a concurrent value silently).
/// <para>
/// Merge keeps the register with the larger (timestamp, origin) and the join of both versions,
/// so it is commutative, associative and idempotent. Each site issues each HLC timestamp once
/// (<see cref="HybridLogicalClock"/> guarantees it), so (timestamp, origin) names one write.
/// A deletion is a write of a tombstone value (null for byte strings).
/// </para>
/// </summary>
public sealed record LwwRegister<T>(T Value, HlcTimestamp Timestamp, NodeId Origin, VersionVector Version)
{
    /// <summary>
    /// A write at <paramref name="site"/> over what the site holds (<paramref name="current"/>,
    /// null for a new key): it has seen the current value, so its version follows it.
    /// </summary>
    public static LwwRegister<T> Write(LwwRegister<T>? current, T value, HlcTimestamp timestamp, NodeId site) =>
        new(value, timestamp, site, (current?.Version ?? VersionVector.Empty).Increment(site));

    /// <summary>Whether this write wins over <paramref name="other"/>: later timestamp, then larger origin id.</summary>
    public bool WinsOver(LwwRegister<T> other) =>
        Timestamp != other.Timestamp ? Timestamp > other.Timestamp : VersionVector.CompareIds(Origin, other.Origin) > 0;

    /// <summary>Whether this is the same write as <paramref name="other"/> (same timestamp and origin).</summary>
    public bool IsSameWrite(LwwRegister<T> other) => Timestamp == other.Timestamp && Origin == other.Origin;

    /// <summary>Merges the register a replica holds with one it receives.</summary>
    public static LwwMerge<T> Merge(LwwRegister<T> local, LwwRegister<T> incoming)
    {
        if (local.IsSameWrite(incoming))
        {
            var version = local.Version.Merge(incoming.Version);
            return new LwwMerge<T>(version.Equals(local.Version) ? local : local with { Version = version }, LwwOutcome.Identical, null);
        }
        var (winner, loser) = local.WinsOver(incoming) ? (local, incoming) : (incoming, local);
        var result = winner.Version.Dominates(loser.Version) ? winner : winner with { Version = winner.Version.Merge(loser.Version) };
        // A loser whose version the winner had seen was overwritten knowingly; any other loser
        // (concurrent, or causally later but with an older timestamp: a clock anomaly) is a conflict.
        return winner.Version.Dominates(loser.Version)
            ? new LwwMerge<T>(result, LwwOutcome.Superseded, null)
            : new LwwMerge<T>(result, LwwOutcome.ConflictResolved, loser);
    }
}

/// <summary>How merging two LWW registers went.</summary>
public enum LwwOutcome
{
    /// <summary>Both are the same write.</summary>
    Identical,
    /// <summary>The losing write was seen by the winner: an ordinary overwrite, nothing to log.</summary>
    Superseded,
    /// <summary>The writes were concurrent; <see cref="LwwMerge{T}.Loser"/> lost and must be logged.</summary>
    ConflictResolved,
}

/// <summary>The merged register, and the losing write when a conflict was resolved.</summary>
public readonly record struct LwwMerge<T>(LwwRegister<T> Result, LwwOutcome Outcome, LwwRegister<T>? Loser);
