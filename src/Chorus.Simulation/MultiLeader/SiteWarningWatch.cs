using Chorus.Core;
using Chorus.Replication.MultiLeader;
using Chorus.Simulation.Engine;
using Chorus.Simulation.Nodes;

namespace Chorus.Simulation.MultiLeader;

/// <summary>
/// Records when each site leader's warnings (CHORUS.SITES, INFO sites) appear and go away, every
/// 100 ms of virtual time: "5100 ms s1 + the ring is broken at s2: ...", "6200 ms s1 - ...". The
/// tests read it to see a site say so where the topology cannot route around a failed site.
/// </summary>
internal sealed class SiteWarningWatch(Scheduler scheduler, Func<Dictionary<NodeId, List<SimNode>>> sites)
{
    private const long EveryUs = 100_000;

    private readonly Dictionary<NodeId, HashSet<string>> _current = [];

    public List<string> Timeline { get; } = [];

    public void Start(long untilUs)
    {
        Look();
        if (scheduler.NowUs + EveryUs < untilUs)
        {
            scheduler.After(EveryUs, () => Start(untilUs));
        }
    }

    private void Look()
    {
        foreach (var (site, nodes) in sites())
        {
            if (nodes.FirstOrDefault(n => n.IsLeader) is not { } leader)
            {
                continue; // no leader: nothing says anything (the last warnings stand)
            }
            var now = ((MultiLeaderCore)leader.Driver!.Core).Describe().Sites!.Warnings.ToHashSet();
            var before = _current.GetValueOrDefault(site, []);
            var atMs = scheduler.NowUs / 1000;
            Timeline.AddRange(now.Except(before).Select(w => $"{atMs} ms {site} + {w}"));
            Timeline.AddRange(before.Except(now).Select(w => $"{atMs} ms {site} - {w}"));
            _current[site] = now;
        }
    }
}
