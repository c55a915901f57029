using Chorus.Core.Sites;
using Chorus.Node;
using Chorus.Replication;
using Chorus.Replication.Leaderless;

namespace Chorus.Server.Dashboard;

/// <summary>
/// The parts of the dashboard only one replication family has: the sites and their links
/// (multi-leader) and the ring (leaderless). Pure, like <see cref="DashboardStatusBuilder"/>:
/// built from the published status and counters.
/// </summary>
internal static class DashboardFamilyViews
{
    public static DashboardStatus With(DashboardStatus status, NodeStatus published, ConflictLog conflicts) => published switch
    {
        { Family: LeaderlessStatus ring } => status with { Family = "leaderless", Ring = Ring(ring, published) },
        { Sites: { } sites } => status with { Family = "multi-leader", Sites = Sites(sites, conflicts) },
        _ => status,
    };

    /// <summary>Chart series a family adds: each outbound site link's lag, named "→ s2".</summary>
    public static IEnumerable<KeyValuePair<string, MemberLag>> Lag(DashboardStatus status) =>
        status.Sites?.Links.Where(l => l.Direction == "outbound").Select(l => KeyValuePair.Create("→ " + l.Site, new MemberLag(l.LagEntries, l.LagMs))) ?? [];

    private static DashboardSites Sites(SitesStatus sites, ConflictLog conflicts) => new(
        sites.Site.Value,
        sites.Settings.Topology.ToString(),
        [.. sites.Settings.FailedSites.Select(s => s.Value)],
        [.. sites.Settings.Homes.Select(h => $"{h.Pattern} → {h.Site.Value}")],
        [.. sites.Settings.Policies.Select(p => $"{p.Pattern} = {PolicyText(p)}")],
        sites.ChangesApplied,
        sites.Duplicates,
        sites.HeldBack,
        conflicts.Conflicts,
        conflicts.LostValues,
        conflicts.ResolverFailures,
        [.. sites.Links.Select(Link)],
        sites.Warnings);

    private static string PolicyText(PolicyRule rule) =>
        rule.Resolver is { } resolver ? $"{rule.Policy.ToString().ToLowerInvariant()} {resolver}" : rule.Policy.ToString().ToLowerInvariant();

    private static DashboardSiteLink Link(SiteLinkStatus link) => new(
        link.Site.Value,
        link.Direction == LinkDirection.Outbound ? "outbound" : "inbound",
        link.IsCut ? "cut" : link.IsUp ? "up" : "down",
        link.Leader?.Value,
        link.LagEntries,
        link.LagMs,
        link.Changes);

    private static DashboardRing Ring(LeaderlessStatus ring, NodeStatus published)
    {
        var settings = ring.Settings;
        var peers = ring.Ring.Members.Select(m =>
        {
            var self = m.Id == published.Self;
            var view = ring.Peers.FirstOrDefault(p => p.Id == m.Id);
            var ago = view?.LastHeardMs is { } heard ? Math.Max(0, published.AtMs - heard) : (long?)null;
            return new DashboardRingPeer(m.Id.Value, m.ClientEndpoint, self, self || view?.Up == true, self ? null : ago,
                ring.HintsByHome.TryGetValue(m.Id, out var hints) ? hints : 0);
        });
        var t = ring.Totals;
        return new DashboardRing(ring.Ring.Version, settings.N, settings.W, settings.R, settings.SloppyQuorum, settings.HintedHandoff, settings.ReadRepair, settings.AntiEntropy,
            Math.Round(ring.PrimaryShare, 4), Math.Round(ring.ReplicaShare, 4), ring.KeysStored, ring.HintsPending, ring.TreesBuilt, ring.AntiEntropyPeer?.Value,
            [.. peers],
            new DashboardRingTotals(t.Reads, t.ReadsFailed, t.ReadsWithSiblings, t.SiblingsMax, t.Writes, t.WritesFailed, t.ReadRepairs, t.HintsStored, t.HintsDelivered,
                t.AntiEntropyRounds, t.RangesDiffering, t.KeysRepaired));
    }
}
