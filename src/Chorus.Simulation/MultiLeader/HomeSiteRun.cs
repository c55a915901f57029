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
    /// <summary>How long after the crash an operator declares the site failed.</summary>
    private const long DeclareAfterUs = 1_000_000;

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

    public void ScheduleFailure(NodeId site, long workloadEndUs)
    {
        scheduler.At(workloadEndUs / 3, () =>
        {
            _down = site;
            foreach (var node in sites()[site])
            {
                node.Crash();
            }
            scheduler.After(DeclareAfterUs, Declare);
        });
        scheduler.At(workloadEndUs, () =>
        {
            foreach (var node in sites()[site])
            {
                boot(node);
            }
            Change(failed: false);
        });
    }

    private void Declare() => Change(failed: true);

    /// <summary>
    /// The operator's CHORUS.SITECONFIG FAIL (or, once the workload is over and the site is back,
    /// RECOVER) at a live site's leader, tried again until one leads. The site cannot catch up while
    /// declared failed (no site sends to it), and gets its keys back on recovery: writes to them
    /// before it caught up could conflict, so the run recovers it once the workload has stopped.
    /// </summary>
    private void Change(bool failed)
    {
        var leader = sites().Where(s => s.Key != _down).SelectMany(s => s.Value).FirstOrDefault(n => n.IsLeader);
        var site = _down!.Value;
        if (leader is not null && ((MultiLeaderCore)leader.Driver!.Core).ChangeSettings(s => s with { FailedSites = failed ? [.. s.FailedSites, site] : [.. s.FailedSites.Where(f => f != site)] }))
        {
            _declared |= failed;
            return;
        }
        scheduler.After(200_000, () => Change(failed));
    }

    public void Check(SiteRunResult result, SiteHistory history, IEnumerable<ConflictRecord> conflicts)
    {
        result.WritesHomeUnreachable = _unreachable;
        if (config.Homes.Count == 0)
        {
            return;
        }
        var ids = sites().Keys.ToList();
        var before = SiteSettings.Default with { Homes = config.Homes };
        var after = _declared ? before with { FailedSites = [_down!.Value] } : before;
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
    }
}
