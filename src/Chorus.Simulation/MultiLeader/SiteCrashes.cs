using Chorus.Simulation.Engine;
using Chorus.Simulation.Nodes;

namespace Chorus.Simulation.MultiLeader;

/// <summary>
/// Node crashes in a multi-leader run (<see cref="SiteSimConfig.Crashes"/>): every 1.5–3 s of the
/// workload a random running node loses power — a site leader as often as a follower — and
/// restarts 0.3–2 s later from what its disk had synced. With one node per site the whole site is
/// down meanwhile (the workload writes elsewhere); with more, the site elects another leader.
/// Every node runs again before the workload ends, so the checks see every node.
/// </summary>
internal sealed class SiteCrashes(Scheduler scheduler, SimRandom random, Func<IEnumerable<SimNode>> nodes, Action<SimNode> boot)
{
    public int Crashed { get; private set; }

    public void Schedule(long endUs) =>
        scheduler.After(random.Between(1_500_000, 3_000_000), () =>
        {
            var up = nodes().Where(n => n.Driver is not null).ToList();
            if (scheduler.NowUs + 2_000_000 >= endUs || up.Count == 0)
            {
                return;
            }
            var node = random.Pick(up);
            node.Crash();
            Crashed++;
            scheduler.After(random.Between(300_000, 2_000_000), () => boot(node));
            Schedule(endUs);
        });
}
