namespace Chorus.Simulation.Leaderless;

/// <summary>Carries out a <see cref="StalenessFaults"/> choice on a simulated leaderless cluster until the workload ends.</summary>
internal static class StalenessFaultSchedule
{
    public static void Start(LeaderlessSimCluster cluster, StalenessFaults faults, long endMs)
    {
        Action? fault = faults switch
        {
            StalenessFaults.None => null,
            StalenessFaults.CrashOrCutOff => () => CrashOrCutOff(cluster),
            StalenessFaults.Split => () => Split(cluster),
            _ => throw new ArgumentOutOfRangeException(nameof(faults), faults, "unknown fault schedule"),
        };
        if (fault is null)
        {
            return;
        }
        void Next()
        {
            if (cluster.NowMs >= endMs)
            {
                return;
            }
            fault();
            cluster.RunLater(cluster.Random.Between(1_500, 3_000), Next);
        }
        cluster.RunLater(500, Next);
    }

    private static void CrashOrCutOff(LeaderlessSimCluster cluster)
    {
        var victim = cluster.Random.Pick(cluster.Members);
        if (cluster.Random.Chance(0.5))
        {
            cluster.Crash(victim);
            cluster.RunLater(cluster.Random.Between(100, 1_500), () => cluster.Start(victim));
        }
        else
        {
            cluster.Network.Partition([[victim], [.. cluster.Members.Where(m => m != victim)]]);
            cluster.RunLater(cluster.Random.Between(100, 1_500), () => cluster.Network.Heal());
        }
    }

    private static void Split(LeaderlessSimCluster cluster)
    {
        var shuffled = cluster.Members.OrderBy(_ => cluster.Random.Between(0, 1_000_000)).ToList();
        var minority = shuffled.Count / 2;
        cluster.Network.Partition([shuffled[..minority], shuffled[minority..]]);
        cluster.RunLater(cluster.Random.Between(1_000, 2_500), () => cluster.Network.Heal());
    }
}
