using Chorus.Core;
using Chorus.Core.Sites;
using Chorus.Core.Versions;

namespace Chorus.Replication;

/// <summary>
/// A multi-leader node's view of the sites: its own site, the shared settings, how far the site
/// has applied each site's changes, and every link between its site and another.
/// </summary>
public sealed record SitesStatus(
    NodeId Site,
    SiteSettings Settings,
    VersionVector Frontier,
    VersionVector Shippable,
    bool Loaded,
    IReadOnlyList<SiteLinkStatus> Links,
    IReadOnlyList<string> Warnings)
{
    /// <summary>Changes from other sites held back because a change they depend on has not arrived yet.</summary>
    public int HeldBack { get; init; }

    /// <summary>Changes received from other sites and applied here, since this node started.</summary>
    public long ChangesApplied { get; init; }

    /// <summary>Changes received that this site already had (sent again, or by another path), since this node started.</summary>
    public long Duplicates { get; init; }
}

/// <summary>Which way a link carries changes, seen from this site.</summary>
public enum LinkDirection : byte
{
    /// <summary>This site sends changes to the other site.</summary>
    Outbound,

    /// <summary>The other site sends changes to this site.</summary>
    Inbound,
}

/// <summary>
/// One link between this site and <paramref name="Site"/>, as this site's leader sees it.
/// <paramref name="LagEntries"/> and <paramref name="LagMs"/>: outbound, the changes this site has
/// that the other site has not confirmed and the age of the oldest; inbound, the changes the other
/// site announced that this site has not applied yet and how long it has been behind.
/// </summary>
public sealed record SiteLinkStatus(
    NodeId Site,
    LinkDirection Direction,
    bool IsUp,
    bool IsCut,
    NodeId? Leader,
    long LastHeardAtMs,
    ulong LagEntries,
    long LagMs,
    long Changes,
    long Bytes);
