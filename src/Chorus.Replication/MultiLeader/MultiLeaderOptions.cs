using Chorus.Core;
using Chorus.Core.Sites;

namespace Chorus.Replication.MultiLeader;

/// <summary>
/// How a node takes part in multi-leader replication: its own site, every site's nodes (and the
/// peer addresses of the nodes of other sites), the shared settings it starts with, and the
/// timing of the links between site leaders.
/// </summary>
public sealed record MultiLeaderOptions(NodeId Site, IReadOnlyDictionary<NodeId, IReadOnlyList<NodeId>> Sites)
{
    /// <summary>Where the transport reaches nodes of other sites (node → "host:port"); empty in the simulator.</summary>
    public IReadOnlyDictionary<NodeId, string> RemoteAddresses { get; init; } = new Dictionary<NodeId, string>();

    /// <summary>Topology, conflict policies and homes the sites start with.</summary>
    public SiteSettings Settings { get; init; } = SiteSettings.Default;

    /// <summary>How often a site leader sends on an idle link (a heartbeat that also learns the peer's frontier). Default 200 ms.</summary>
    public long LinkHeartbeatMs { get; init; } = 200;

    /// <summary>How long a site leader waits for an answer before sending again (to the next node of that site when unsure who leads). Default 1000 ms.</summary>
    public long LinkRetryMs { get; init; } = 1000;

    /// <summary>Changes one message carries at most. Default 256.</summary>
    public int ShipChangesMax { get; init; } = 256;

    /// <summary>Changes from other sites held back (waiting for what they depend on) at most; beyond it, new arrivals are dropped and sent again later. Default 10,000.</summary>
    public int HeldBackMax { get; init; } = 10_000;

    /// <summary>
    /// Deliver a change only after everything it depends on (Chorus). False is the broken "naive"
    /// variant the simulator shows: changes are applied as they arrive, so a causally later change
    /// can overtake an earlier one (DDIA ch. 5, figure 5-9).
    /// </summary>
    public bool CausalDelivery { get; init; } = true;

    /// <summary>
    /// Tag every change with its origin site and its number there, and pass changes on under that
    /// tag (Chorus). False is the broken variant the simulator shows (DDIA ch. 5, "Multi-leader
    /// replication topologies": a node must ignore changes tagged with its own identifier): a site
    /// passes on a change it took in as a change of its own, so around a ring (or through a star's
    /// hub, or between all-to-all sites) every change comes back to where it was made, is applied
    /// there again and goes round again, forever. Needs <see cref="CausalDelivery"/> off (what a
    /// change depends on is told by the same tags).
    /// </summary>
    public bool TagsOrigins { get; init; } = true;

    /// <summary>
    /// Send again at once what is in flight to a site that is heard from after a silence, and tell
    /// the other sites when this end of a cut link heals (Chorus). False is the old behaviour the
    /// simulator compares with: a site that healed its end first sent into a link still cut at the
    /// other end and waits out <see cref="LinkRetryMs"/> before sending again.
    /// </summary>
    public bool ResendWhenHeardFrom { get; init; } = true;

    /// <summary>The site a node belongs to, if any.</summary>
    public NodeId? SiteOf(NodeId node) => Sites.FirstOrDefault(s => s.Value.Contains(node)).Key is { IsEmpty: false } site ? site : null;

    /// <summary>Every site id, in ordinal order (the ring's order).</summary>
    public IReadOnlyList<NodeId> SiteIds => [.. Sites.Keys.OrderBy(s => s.Value, StringComparer.Ordinal)];
}
