using Chorus.Core;

namespace Chorus.Replication.Leaderless;

/// <summary>
/// A contiguous run of key hashes, [<paramref name="Start"/>, <paramref name="End"/>), in the
/// 63-bit space of <see cref="KeyHash"/>. Because stored keys are ordered by that hash, a range is
/// also one contiguous scan of the data column: what a node streams when a range moves, and what
/// anti-entropy compares.
/// </summary>
public readonly record struct HashRange(ulong Start, ulong End)
{
    /// <summary>The whole key-hash space.</summary>
    public static readonly HashRange All = new(0, KeyHash.SpaceEnd);

    public ulong Width => End - Start;

    public bool IsEmpty => End <= Start;

    public bool Contains(ulong keyHash) => keyHash >= Start && keyHash < End;

    public override string ToString() => $"[{Start:x}, {End:x})";
}
