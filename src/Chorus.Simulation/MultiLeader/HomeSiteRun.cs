using Chorus.Commands.Sites;
using Chorus.Core;
using Chorus.Core.Sites;
using Chorus.Node;
using Chorus.Replication.MultiLeader;
using Chorus.Simulation.Engine;
using Chorus.Simulation.Nodes;

namespace Chorus.Simulation.MultiLeader;

/// <summary>
/// The home-site part of a multi-leader run (DDIA ch. 5, "Conflict avoidance"): fails a home
/// site and declares it failed at another site, as an operator would; and checks that every
/// version of a homed key was made at a site that was its home, and that a homed key whose home
/// never moved has no conflicts. (When a home moves, a change the failed site made before it
/// failed, and had not shipped, meets the new home's writes later: those keys may conflict —
/// resolved by their policy, with the losers logged, as for any key.)
/// </summary>
internal sealed class HomeSiteRun(SiteSimConfig config, Scheduler scheduler, Func<Dictionary<NodeId, List<SimNode>>> sites, Action<SimNode> boot)
{
    private NodeId? _down;
    private bool _declared;

    /// <summary>Whether the workload must leave <paramref name="site"/> alone (its nodes are down).</summary>
    public bool IsDown(NodeId site) => _down == site;

    private int _unreachable;

    /// <summary>A routed write whose home could not be reached, or that got no answer in time: not acknowledged, and no failure (counted).</summary>
    public bool Unreachable(string error)
    {
        var unreachable = config.Homes.Count > 0 && error.StartsWith("TRYAGAIN the key's home site", StringComparison.Ordinal);
        _unreachable += unreachable ? 1 : 0;
        return unreachable;
    }

    /// <summary>When the failed site restarted (virtual µs), and when the operator recovered it; -1: not yet.</summary>
    private long _restartedUs = -1;
    private long _recoveredUs = -1;
    private long? _handoverMs;

    public void ScheduleFailure(NodeId site, long workloadEndUs, long restartUs)
    {
        scheduler.At(workloadEndUs / 3, () =>
        {
            _down = site;
            foreach (var node in sites()[site])
            {
                node.Crash();
            }
            scheduler.After(config.FailSiteDeclaredAfterMs * 1000, Declare);
        });
        scheduler.At(restartUs, () =>
        {
            foreach (var node in sites()[site])
            {
                boot(node);
            }
            _restartedUs = scheduler.NowUs;
            _down = null;
            Change(site, failed: false);
        });
        _failing = site;
    }

    private NodeId? _failing;

    private void Declare() => Change(_failing!.Value, failed: true);

    /// <summary>
    /// The operator's CHORUS.SITECONFIG FAIL (or, once the site is back, RECOVER) at a live site's
    /// leader, tried again until one leads. The site cannot catch up while declared failed (no site
    /// sends to it); recovering it puts it back on the routes at once, and its keys move back to it
    /// once it has caught up with its successor (the handover) — or at once, in the broken variant.
    /// </summary>
    private void Change(NodeId site, bool failed)
    {
        var leader = sites().Where(s => s.Key != site).SelectMany(s => s.Value).FirstOrDefault(n => n.IsLeader);
        Func<SiteSettings, SiteSettings> change = failed ? s => s.Failing(site)
            : config.RecoverWithoutHandover ? s => s with { FailedSites = [.. s.FailedSites.Where(f => f != site)] }
            : s => s.Recovering(site);
        if (leader is not null && ((MultiLeaderCore)leader.Driver!.Core).ChangeSettings(change))
        {
            _declared |= failed;
            if (!failed)
            {
                _recoveredUs = scheduler.NowUs;
                WatchHandover(site);
            }
            return;
        }
        scheduler.After(200_000, () => Change(site, failed));
    }

    /// <summary>Every millisecond after the recovery: has every site leader given the site its homes back?</summary>
    private void WatchHandover(NodeId site)
    {
        var leaders = sites().Values.Select(nodes => nodes.FirstOrDefault(n => n.IsLeader)).ToList();
        if (leaders.All(l => l is not null && ((MultiLeaderCore)l.Driver!.Core).Settings is var s && !s.IsFailed(site) && !s.IsReturning(site)))
        {
            _handoverMs = (scheduler.NowUs - _recoveredUs) / 1000;
            return;
        }
        scheduler.After(1_000, () => WatchHandover(site));
    }

    public void Check(SiteRunResult result, SiteHistory history, IEnumerable<ConflictRecord> conflicts)
    {
        result.WritesHomeUnreachable = _unreachable;
        result.HandoverMs = _handoverMs;
        if (config.Homes.Count == 0)
        {
            return;
        }
        var ids = sites().Keys.ToList();
        var before = SiteSettings.Default with { Homes = config.Homes };
        var after = _declared ? before with { FailedSites = [_failing!.Value] } : before;
        HashSet<NodeId> HomesOf(string key)
        {
            var bytes = System.Text.Encoding.UTF8.GetBytes(key);
            return [.. new[] { HomeSites.HomeOf(before, ids, bytes), HomeSites.HomeOf(after, ids, bytes) }.OfType<NodeId>()];
        }
        foreach (var (key, version) in history.Versions)
        {
            var homes = HomesOf(key);
            result.WritesAtMovedHome += homes.Count > 1 && version.Version.Site != HomeSites.HomeOf(before, ids, System.Text.Encoding.UTF8.GetBytes(key)) ? 1 : 0;
            if (homes.Count > 0 && !homes.Contains(version.Version.Site))
            {
                result.HomeViolations.Add($"{key} was written at {version.Version.Site}, not at its home {string.Join("/", homes)} ({version.Version})");
            }
        }
        foreach (var conflict in conflicts)
        {
            var key = System.Text.Encoding.UTF8.GetString(conflict.Key);
            var sitesInvolved = conflict.Losers.Append(conflict.Kept).Select(v => v.Version.Site).Distinct();
            if (HomesOf(key).Count == 1)
            {
                result.HomeViolations.Add($"{key} had a conflict at {conflict.Site} between versions from {string.Join(", ", sitesInvolved)} although its home never moved");
            }
        }
        CheckReturnedHome(result, history, before, ids);
    }

    /// <summary>
    /// A recovered home takes its keys' writes again only once it has caught up: every version of
    /// such a key made at the site after it restarted must causally follow every version of the key
    /// made elsewhere (at its successor while it was away). A write it accepted before it had one of
    /// them would be concurrent with it — a conflict the home rule exists to avoid.
    /// </summary>
    private void CheckReturnedHome(SiteRunResult result, SiteHistory history, SiteSettings homes, IReadOnlyList<NodeId> ids)
    {
        if (_failing is not { } site || _restartedUs < 0)
        {
            return;
        }
        var homed = history.Made.Where(m => HomeSites.HomeOf(homes, ids, System.Text.Encoding.UTF8.GetBytes(m.Key)) == site).ToList();
        foreach (var (key, version, atUs) in homed.Where(m => m.Version.Version.Site == site && m.AtUs >= _restartedUs))
        {
            result.WritesAtReturnedHome++;
            foreach (var (_, other, otherAtUs) in homed.Where(m => m.Key == key && m.Version.Version.Site != site))
            {
                if (!version.Version.Clock.Dominates(other.Version.Clock))
                {
                    result.HomeViolations.Add($"{key} was written at {site} at {atUs / 1000} ms ({version.Version}) without {other.Version.Site}'s version made at {otherAtUs / 1000} ms ({other.Version})");
                }
            }
        }
    }
}