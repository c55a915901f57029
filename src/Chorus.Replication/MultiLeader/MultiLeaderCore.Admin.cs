using Chorus.Core;
using Chorus.Core.Sites;

namespace Chorus.Replication.MultiLeader;

/// <summary>Operator actions (run on the node's loop) and the status of the sites.</summary>
public sealed partial class MultiLeaderCore
{
    /// <summary>
    /// Cuts or heals this site's link with <paramref name="site"/> (both directions): the fault hook
    /// for "the network between sites failed". At the site's leader only: the cut is logged in the
    /// site's settings, so its followers, a restart and the next site leader keep it.
    /// </summary>
    public LinkCutOutcome SetLinkCut(NodeId site, bool cut)
    {
        if (!_links.TryGetValue(site, out var link))
        {
            return LinkCutOutcome.NotASite;
        }
        if (!_leading)
        {
            return LinkCutOutcome.NotLeader;
        }
        var cuts = _site.Settings.CutLinks.Where(s => s != site);
        _site.ChangeSettings(settings => settings with { CutLinks = cut ? [.. cuts, site] : [.. cuts] });
        ApplyCut(link, cut);
        return LinkCutOutcome.Done;
    }

    private void ApplyCut(SiteLink link, bool cut)
    {
        if (link.IsCut == cut)
        {
            return;
        }
        link.IsCut = cut;
        link.InFlight = false;
        _statusVersion++;
        _own.Notices.Add(new LogNotice($"site {Site}: the link with {link.Site} is {(cut ? "cut by an operator" : "healed")}"));
        if (!cut)
        {
            AnnounceHealed(link);
        }
        Pump();
    }

    /// <summary>The cuts the site's log holds, as last seen: a change there (a follower, a restart, a new site leader) is applied to the links.</summary>
    private IReadOnlyList<NodeId>? _loggedCuts;

    private void FollowLoggedCuts()
    {
        var logged = _site.Settings.CutLinks;
        if (ReferenceEquals(logged, _loggedCuts))
        {
            return;
        }
        _loggedCuts = logged;
        foreach (var link in _links.Values)
        {
            ApplyCut(link, logged.Contains(link.Site));
        }
    }

    /// <summary>
    /// Replaces the shared settings (topology, policies, homes, failed sites), stamped now, at
    /// this site's leader only (false elsewhere). The site's log keeps them (so followers, restarts
    /// and the next site leader have them), and every message on this site's links carries them,
    /// so every other site adopts them: the settings are one last-write-wins register.
    /// </summary>
    public bool ChangeSettings(Func<SiteSettings, SiteSettings> change)
    {
        if (!_leading)
        {
            return false;
        }
        Adopt(change(Settings).Stamped(_clock.Now(NowMs), Site));
        Pump();
        return true;
    }

    /// <summary>Takes <paramref name="candidate"/> if it was changed later than the settings in force (from another site, or from the site's log).</summary>
    private void Adopt(SiteSettings candidate)
    {
        if (!candidate.IsNewerThan(Settings))
        {
            return;
        }
        _clock.Observe(candidate.ChangedAt);
        var rerouted = candidate.Topology != Settings.Topology || !FailedNames(candidate).SequenceEqual(FailedNames(Settings));
        Settings = candidate;
        _statusVersion++;
        _own.Notices.Add(new LogNotice($"site {Site}: shared settings as changed at {candidate.ChangedBy}: topology {candidate.Topology}, policies '{string.Join(";", candidate.Policies.Select(p => $"{p.Pattern}={p.PolicyText}"))}', failed sites '{string.Join(",", candidate.FailedSites)}'"));
        PersistSettings();
        if (rerouted && _leading && _scan is null)
        {
            Reload();
        }
    }

    private static IEnumerable<string> FailedNames(SiteSettings settings) => settings.FailedSites.Select(s => s.Value).Order(StringComparer.Ordinal);

    /// <summary>As site leader, logs settings changed at runtime (settings from the start flags stay in the flags).</summary>
    private void PersistSettings()
    {
        if (!_leading || Settings.ChangedAt == HlcTimestamp.Zero)
        {
            return;
        }
        var bytes = Settings.Encode();
        if (_persistedSettings is not null && bytes.AsSpan().SequenceEqual(_persistedSettings))
        {
            return;
        }
        _persistedSettings = bytes;
        _site.ChangeSettings(settings => settings with { SiteSettings = bytes });
    }

    /// <summary>Adopts settings the site's log holds that are newer (a follower, a restart, a new site leader).</summary>
    private void FollowLoggedSettings()
    {
        FollowLoggedCuts();
        var logged = _site.Settings.SiteSettings;
        if (logged is null || ReferenceEquals(logged, _persistedSettings))
        {
            return;
        }
        _persistedSettings = logged;
        Adopt(SiteSettings.Decode(logged));
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
        if (_leading)
        {
            warnings.AddRange(SilentNextHops(targets));
        }
        return warnings;
    }

    /// <summary>
    /// Where the topology cannot route around a site that stopped answering, says so (issue 11: "a
    /// ring or star with a failed node keeps going around it where the topology allows, and says so
    /// where it cannot"). A ring waits at its next site until that site returns or is declared failed
    /// (then the ring closes around it); a star's leaf exchanges nothing while its hub is silent.
    /// All-to-all needs no warning: the other sites carry on. A link cut by an operator has its own.
    /// </summary>
    private IEnumerable<string> SilentNextHops(IReadOnlyList<NodeId> targets)
    {
        var topology = Settings.Topology;
        foreach (var target in targets)
        {
            var link = _links[target];
            var silentMsMax = 3 * _options.LinkRetryMs;
            if (link.IsCut || NowMs - Math.Max(link.LastHeardAtMs, _routesSinceMs) <= silentMsMax)
            {
                continue;
            }
            if (topology.Kind == TopologyKind.Ring)
            {
                yield return $"the ring is broken at {target}: it has not answered for over {silentMsMax} ms, so changes this site sends or passes on wait here until it returns (CHORUS.SITECONFIG FAIL {target} closes the ring around it)";
            }
            else if (topology.Kind == TopologyKind.Star && topology.Hub == target)
            {
                yield return $"the star's hub {target} has not answered for over {silentMsMax} ms: this site exchanges no changes with any other until it returns (a star cannot route around its hub: CHORUS.SITECONFIG TOPOLOGY all-to-all or ring does)";
            }
        }
    }
}

/// <summary>What CHORUS.LINK CUT/HEAL did: done, or refused (not another site; this node does not lead its site).</summary>
public enum LinkCutOutcome
{
    Done,
    NotASite,
    NotLeader,
}
