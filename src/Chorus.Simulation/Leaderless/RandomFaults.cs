using Chorus.Simulation.Network;
using Chorus.Simulation.Nodes;

namespace Chorus.Simulation.Leaderless;

/// <summary>
/// The faults of a <see cref="LeaderlessFaultRun"/>: every 0.2–0.8 s one of a crash (restart after
/// 0.2–2 s), a node cut off, a split into two halves (healed after 0.3–2.5 s), a period of lossy
/// links (10 % loss, 5 % duplicates, 5 % reordering for 0.5–2 s), or a node's clock stepped up to
/// ±<c>skewMsMax</c> away from true time (it stays there).
/// </summary>
internal sealed class RandomFaults(LeaderlessSimCluster cluster, LeaderlessFaultResult result, long endMs, long skewMsMax)
{
    private static readonly LinkProfile Lossy = new(new LatencyDistribution(0, 0), DropProbability: 0.10, DuplicateProbability: 0.05, ReorderProbability: 0.05);

    public void Start() => cluster.RunLater(200, Next);

    private void Next()
    {
        if (cluster.NowMs >= endMs)
        {
            return;
        }
        var victim = cluster.Random.Pick(cluster.Members);
        switch (cluster.Random.Next(5))
        {
            case 0 when cluster[victim].State != NodeState.Down:
                result.Crashes++;
                result.Event(cluster.NowMs, $"crash {victim}");
                cluster.Crash(victim);
                cluster.RunLater(cluster.Random.Between(200, 2_000), () => RestartIfDown(victim));
                break;
            case 1:
                result.Partitions++;
                result.Event(cluster.NowMs, $"cut off {victim}");
                cluster.Network.Partition([[victim], [.. cluster.Members.Where(m => m != victim)]]);
                cluster.RunLater(cluster.Random.Between(300, 2_500), Heal);
                break;
            case 2:
                result.Splits++;
                var shuffled = cluster.Members.OrderBy(_ => cluster.Random.Between(0, 1_000_000)).ToList();
                cluster.Network.Partition([shuffled[..(shuffled.Count / 2)], shuffled[(shuffled.Count / 2)..]]);
                result.Event(cluster.NowMs, $"split {string.Join(',', shuffled[..(shuffled.Count / 2)])} | {string.Join(',', shuffled[(shuffled.Count / 2)..])}");
                cluster.RunLater(cluster.Random.Between(300, 2_500), Heal);
                break;
            case 3:
                result.LossyPeriods++;
                result.Event(cluster.NowMs, "lossy links");
                cluster.Network.SetFlaky(Lossy);
                cluster.RunLater(cluster.Random.Between(500, 2_000), () =>
                {
                    result.Event(cluster.NowMs, "links reliable again");
                    cluster.Network.SetFlaky(null);
                });
                break;
            default:
                result.ClockSteps++;
                var skewMs = cluster.Random.Between(-skewMsMax, skewMsMax + 1);
                result.Event(cluster.NowMs, $"{victim}'s clock {skewMs} ms off");
                cluster[victim].Clock.Skew(skewMs * 1000);
                break;
        }
        cluster.RunLater(cluster.Random.Between(200, 800), Next);
    }

    /// <summary>Every link comes back (also those another fault cut meanwhile).</summary>
    private void Heal()
    {
        result.Event(cluster.NowMs, "heal");
        cluster.Network.Heal();
    }

    /// <summary>The end of the run restarts every node that is down; a restart scheduled before must not start it twice.</summary>
    private void RestartIfDown(Chorus.Core.NodeId node)
    {
        if (cluster[node].State == NodeState.Down)
        {
            result.Event(cluster.NowMs, $"restart {node}");
            cluster.Start(node);
        }
    }
}
