using System.IO.Hashing;

namespace Chorus.Core;

/// <summary>
/// The 63-bit hash that places a user key in the keyspace: xxHash64 shifted right by one, so it
/// fits a signed 64-bit integer. The data column orders keys by it (StoredKey), the leaderless
/// ring places keys by it, and Merkle trees cover ranges of it, so a range of hashes is one
/// contiguous run of stored keys everywhere.
/// </summary>
public static class KeyHash
{
    /// <summary>One past the largest hash: hashes lie in [0, <see cref="SpaceEnd"/>).</summary>
    public const ulong SpaceEnd = 1UL << 63;

    public static ulong Of(ReadOnlySpan<byte> key) => XxHash64.HashToUInt64(key) >> 1;
}
