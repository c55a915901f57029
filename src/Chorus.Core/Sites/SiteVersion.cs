namespace Chorus.Core.Sites;

/// <summary>
/// The version of one write to a key in a multi-leader cluster: the key's version vector after
/// the write (<paramref name="Clock"/>: per site, how many writes to this key it includes), the
/// HLC time of the write and the site that made it. Two versions whose clocks are concurrent are
/// a conflict (DDIA ch. 5, "Detecting concurrent writes"); the time and the site only order
/// them for last-write-wins and for the one value a plain read shows.
/// </summary>
public sealed record SiteVersion(Versions.VersionVector Clock, HlcTimestamp Timestamp, NodeId Site)
{
    /// <summary>Last-write-wins order: the later HLC timestamp wins; on a tie, the greater site id (ordinal).</summary>
    public bool WinsOver(SiteVersion other) =>
        Timestamp != other.Timestamp ? Timestamp > other.Timestamp : string.CompareOrdinal(Site.Value, other.Site.Value) > 0;

    public override string ToString() => $"{Clock} @{Timestamp} by {Site}";
}

/// <summary>
/// One concurrent value of a key: its version and the stored value it wrote (a plain record:
/// type, expiry and payload, without version metadata), or null when the write deleted the key.
/// </summary>
public sealed record SiteSibling(SiteVersion Version, byte[]? Value)
{
    public bool IsDeletion => Value is null;
}
