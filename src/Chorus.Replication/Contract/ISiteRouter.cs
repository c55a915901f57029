using Chorus.Core;
using Chorus.Core.Sites;

namespace Chorus.Replication;

/// <summary>
/// A core whose node belongs to one of several sites (multi-leader): what the shell needs to
/// route a write whose key has its home at another site (conflict avoidance) to that site's leader.
/// </summary>
public interface ISiteRouter
{
    /// <summary>This node's site.</summary>
    NodeId Site { get; }

    /// <summary>Every site id, in ordinal order.</summary>
    IReadOnlyList<NodeId> SiteIds { get; }

    /// <summary>The settings every site shares (the home rules, the failed sites).</summary>
    SiteSettings Settings { get; }

    /// <summary>Whether <paramref name="node"/> belongs to this node's own site.</summary>
    bool InOwnSite(NodeId node);

    /// <summary>
    /// The node to send a write homed at <paramref name="site"/> to: the one its site link knows
    /// leads it, else the last one that shipped its changes here, else its first node (the
    /// preferred leader); null when an operator cut the link with that site (CHORUS.LINK CUT).
    /// </summary>
    NodeId? RouteTo(NodeId site);

    /// <summary>
    /// Whether this site leader may make writes to keys homed at its own site: false until it has
    /// heard from the site that holds them while this one is failed (its settings may be old).
    /// </summary>
    bool HomesConfirmed => true;

    /// <summary>
    /// Returning sites whose keys this site leader holds as their successor but no longer takes
    /// writes to: they move back to them within a round trip (the handover's last step).
    /// </summary>
    IReadOnlyCollection<NodeId> HomesMovingBack => [];
}
