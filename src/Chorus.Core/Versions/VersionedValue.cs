namespace Chorus.Core.Versions;

/// <summary>
/// One sibling of a leaderless key: the bytes a write stored (null for a deletion, a tombstone
/// that keeps the key's causal history), the coordinator's HLC timestamp and the absolute expiry
/// the write set (<paramref name="ExpiresAtMs"/>, Unix ms; 0 for none). The timestamp never
/// decides which writes survive — dots do — it only picks the one value shown to clients that
/// ask for a single value (<see cref="KeyVersions.Winner"/>). The expiry belongs to the sibling,
/// like its bytes: a dot names one write, so every replica holding the dot holds the same expiry,
/// and a sibling past it reads as a deletion (<see cref="KeyVersions.Visible"/>).
/// </summary>
public readonly record struct VersionedValue(byte[]? Bytes, HlcTimestamp Timestamp, long ExpiresAtMs = 0)
{
    public bool IsTombstone => Bytes is null;

    public bool HasExpiry => ExpiresAtMs != 0;

    /// <summary>Whether the sibling reads as absent at <paramref name="nowMs"/> (Redis's rule: expired once the time is past the expiry).</summary>
    public bool IsExpiredAt(long nowMs) => ExpiresAtMs != 0 && nowMs > ExpiresAtMs;

    public static VersionedValue Tombstone(HlcTimestamp timestamp) => new(null, timestamp);

    public override string ToString() =>
        Bytes is null ? $"(deleted @{Timestamp})"
        : $"{System.Text.Encoding.UTF8.GetString(Bytes)} @{Timestamp}{(HasExpiry ? $" expires {ExpiresAtMs}" : "")}";
}
