using Chorus.Core;
using Chorus.Core.Sites;

namespace Chorus.Replication.MultiLeader;

/// <summary>Operator actions (run on the node's loop) and the status of the sites.</summary>
public sealed partial class MultiLeaderCore
{
    /// <summary>Cuts or heals this node's link with <paramref name="site"/> (both directions): the fault hook for "the network between sites failed".</summary>
    public bool SetLinkCut(NodeId site, bool cut)
    {
        if (!_links.TryGetValue(site, out var link))
        {
            return false;
        }
        link.IsCut = cut;
        link.InFlight = false;
        _statusVersion++;
        Pump();
        return true;
    }

    /// <summary>Replaces the shared settings on this site (topology, policies, homes, failed sites), stamped now.</summary>
    public void ChangeSettings(Func<SiteSettings, SiteSettings> change)
    {
        Settings = change(Settings).Stamped(_clock.Now(NowMs), Site);
        _statusVersion++;
        Pump();
    }

    private SitesStatus DescribeSites()
    {
        var links = new List<SiteLinkStatus>();
        var targets = SiteRoutes.Targets(Settings.Topology, Site, _options.SiteIds, Settings.FailedSites);
        foreach (var link in _links.Values.OrderBy(l => l.Site.Value, StringComparer.Ordinal))
        {
            var up = link.LastHeardAtMs >= 0 && NowMs - link.LastHeardAtMs <= 3 * _options.LinkRetryMs;
            links.Add(new SiteLinkStatus(
                link.Site,
                targets.Contains(link.Site) ? LinkDirection.Outbound : LinkDirection.Inbound,
                up && !link.IsCut,
                link.IsCut,
                link.Leader,
                link.LastHeardAtMs,
                link.LagEntries,
                link.BehindSinceMs < 0 ? 0 : NowMs - link.BehindSinceMs,
                link.ChangesSent,
                link.BytesSent));
        }
        return new SitesStatus(Site, Settings, _delivered, _committed, _loaded, links, Warnings(targets))
        {
            HeldBack = _inbox.HeldBack,
            ChangesApplied = ChangesDelivered,
            Duplicates = _inbox.Duplicates,
        };
    }

    private List<string> Warnings(IReadOnlyList<NodeId> targets)
    {
        var warnings = new List<string>();
        if (Settings.Topology is { Kind: TopologyKind.Star, Hub: { } hub } && Settings.IsFailed(hub))
        {
            warnings.Add($"the star's hub {hub} is declared failed: sites cannot exchange changes until it returns or the topology changes");
        }
        if (_leading && targets.Count == 0 && _links.Count > 0)
        {
            warnings.Add("this site sends to no other site in the current topology");
        }
        foreach (var link in _links.Values.Where(l => l.IsCut))
        {
            warnings.Add($"the link with {link.Site} is cut by an operator");
        }
        return warnings;
    }
}
