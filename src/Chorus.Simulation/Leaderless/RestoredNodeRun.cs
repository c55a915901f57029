using System.Globalization;
using Chorus.Core;
using Chorus.Replication.Leaderless;
using Chorus.Simulation.Nodes;

namespace Chorus.Simulation.Leaderless;

/// <summary>
/// A node restored from an old backup (DDIA ch. 5, "Limitations of quorum consistency": "if a
/// node carrying a new value fails, and its data is restored from a replica carrying an old
/// value, the number of replicas storing the new value may fall below w"). Three nodes, N = 3,
/// W = 2, R = 2, strict quorums. Each episode: back up node X; cut node Y off; write a batch of
/// new keys (each acknowledged by X and the third node Z); wait until their retries to Y are
/// over; then restore X from its backup (or, the control, restart it on its own disk) as Y
/// returns, and read every key of the batch once through a random node. A read is stale when it
/// misses the key's acknowledged value: its R replies came from X and Y.
/// </summary>
public static class RestoredNodeRun
{
    public static RestoredNodeResult Run(int seed, bool restoreFromBackup, int episodes = 4, int keysPerEpisode = 25, LeaderlessSettings? settings = null)
    {
        settings ??= new LeaderlessSettings { N = 3, W = 2, R = 2, SloppyQuorum = false };
        var cluster = new LeaderlessSimCluster(seed, 3, settings);
        cluster.StartAll();
        cluster.RunFor(2 * settings.PeerDownAfterMs);
        var result = new RestoredNodeResult(seed, restoreFromBackup);
        for (var episode = 0; episode < episodes; episode++)
        {
            Episode(cluster, result, episode, keysPerEpisode, restoreFromBackup);
        }
        result.NodeFailures = cluster.Failures.Count;
        return result;
    }

    private static void Episode(LeaderlessSimCluster cluster, RestoredNodeResult result, int episode, int keys, bool restore)
    {
        var x = cluster.Random.Pick(cluster.Members);
        var y = cluster.Random.Pick([.. cluster.Members.Where(m => m != x)]);
        var backup = StorageCopy.Rows(cluster[x].Storage).ToList();
        cluster.Network.Partition([[y], [.. cluster.Members.Where(m => m != y)]]);
        var reachable = cluster.Members.Where(m => m != y).ToList();
        var acknowledged = new List<string>();
        for (var k = 0; k < keys; k++)
        {
            var key = $"e{episode.ToString(CultureInfo.InvariantCulture)}-k{k.ToString(CultureInfo.InvariantCulture)}";
            var reply = cluster.Call(cluster.Random.Pick(reachable), "SET", key, "new");
            if (!reply.IsError)
            {
                acknowledged.Add(key);
            }
        }
        // The coordinators stop resending to Y once a write's deadline passed: from then on Y
        // only gets these writes by a hint, read repair or anti-entropy.
        cluster.RunFor(cluster.Settings.RequestTimeoutMs + 200);
        cluster.Crash(x);
        if (restore)
        {
            StorageCopy.Install(cluster[x].Disk, backup, x);
        }
        cluster.Network.Heal();
        cluster.Start(x);
        var answered = 0;
        foreach (var key in acknowledged)
        {
            cluster.Send(cluster.Random.Pick(cluster.Members), ["GET", key], reply =>
            {
                answered++;
                if (reply.IsError)
                {
                    result.ReadsFailed++;
                }
                else if (reply.AsString() == "new")
                {
                    result.FreshReads++;
                }
                else
                {
                    result.StaleReads++;
                }
            });
        }
        Invariant.That(cluster.RunUntil(() => answered == acknowledged.Count, 10_000), "every read of the episode was answered");
        result.WritesAcknowledged += acknowledged.Count;
        // Let hints, read repair and anti-entropy bring every replica up to date before the next episode.
        cluster.RunFor(3_000);
    }
}

/// <summary>What a <see cref="RestoredNodeRun"/> saw.</summary>
public sealed class RestoredNodeResult(int seed, bool restoredFromBackup)
{
    public int Seed { get; } = seed;
    public bool RestoredFromBackup { get; } = restoredFromBackup;
    public long WritesAcknowledged { get; set; }
    public long FreshReads { get; set; }
    public long StaleReads { get; set; }
    public long ReadsFailed { get; set; }
    public int NodeFailures { get; set; }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"seed {Seed}, {(RestoredFromBackup ? "restored from a backup" : "restarted on its own disk")}: {WritesAcknowledged} writes acknowledged; reads {FreshReads} fresh, {StaleReads} stale, {ReadsFailed} failed; {NodeFailures} node failures");
}
