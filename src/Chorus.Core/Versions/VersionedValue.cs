namespace Chorus.Core.Versions;

/// <summary>
/// One sibling of a leaderless key: the bytes a write stored (null for a deletion, a tombstone
/// that keeps the key's causal history) and the coordinator's HLC timestamp. The timestamp never
/// decides which writes survive — dots do — it only picks the one value shown to clients that
/// ask for a single value (<see cref="KeyVersions.Winner"/>).
/// </summary>
public readonly record struct VersionedValue(byte[]? Bytes, HlcTimestamp Timestamp)
{
    public bool IsTombstone => Bytes is null;

    public static VersionedValue Tombstone(HlcTimestamp timestamp) => new(null, timestamp);

    public override string ToString() => Bytes is null ? $"(deleted @{Timestamp})" : $"{System.Text.Encoding.UTF8.GetString(Bytes)} @{Timestamp}";
}
