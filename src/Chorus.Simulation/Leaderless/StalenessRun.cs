using System.Globalization;
using Chorus.Replication.Leaderless;
using Chorus.Resp;
using Chorus.Simulation.Network;

namespace Chorus.Simulation.Leaderless;

/// <summary>
/// Measures stale reads in a leaderless cluster (DDIA ch. 5, "Limitations of quorum
/// consistency"): clients each own a key and loop — write the next value through a random node,
/// and as soon as it is acknowledged, read the key through another random node (CHORUS.GETV, so
/// every sibling is seen). A read is <b>stale</b> when none of its siblings is the value last
/// acknowledged to that client or a later one (a later write that failed its quorum may still be
/// stored: seeing it is not stale). With faults on, a random node is crashed (and restarted) or
/// cut off (and healed) every so often.
/// </summary>
public static class StalenessRun
{
    /// <param name="readAfterUs">How long after the acknowledgement the read is sent (the "t" of probabilistically bounded staleness).</param>
    public static StalenessResult Run(int seed, int nodes, LeaderlessSettings settings, int clients, long durationMs, bool faults, NetworkProfile? network = null, long readAfterUs = 0)
    {
        var cluster = new LeaderlessSimCluster(seed, nodes, settings, network);
        cluster.StartAll();
        cluster.RunFor(2 * settings.PeerDownAfterMs);
        var result = new StalenessResult(seed);
        var endMs = cluster.NowMs + durationMs;
        for (var c = 0; c < clients; c++)
        {
            new Client(cluster, result, $"key-{c}", endMs, readAfterUs).Next();
        }
        if (faults)
        {
            ScheduleFaults(cluster, endMs);
        }
        cluster.RunFor(durationMs + (3 * settings.RequestTimeoutMs));
        result.NodeFailures = cluster.Failures.Count;
        return result;
    }

    private static void ScheduleFaults(LeaderlessSimCluster cluster, long endMs)
    {
        void Fault()
        {
            if (cluster.NowMs >= endMs)
            {
                return;
            }
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
            cluster.RunLater(cluster.Random.Between(1_500, 3_000), Fault);
        }
        cluster.RunLater(500, Fault);
    }

    private sealed class Client(LeaderlessSimCluster cluster, StalenessResult result, string key, long endMs, long readAfterUs)
    {
        private int _next;
        private int _acked = -1;

        public void Next()
        {
            if (cluster.NowMs >= endMs)
            {
                return;
            }
            var index = _next++;
            cluster.Send(cluster.Random.Pick(cluster.Members), ["SET", key, Value(index)], reply =>
            {
                if (reply.IsError)
                {
                    result.WritesFailed++;
                    Next();
                    return;
                }
                result.WritesAcknowledged++;
                _acked = index;
                cluster.RunLaterUs(readAfterUs, Read);
            });
        }

        private void Read()
        {
            var expected = _acked;
            cluster.Send(cluster.Random.Pick(cluster.Members), ["CHORUS.GETV", key], reply =>
            {
                if (reply.IsError)
                {
                    result.ReadsFailed++;
                }
                else if (reply.Items.Skip(1).Any(v => !v.IsNull && Index(v) >= expected))
                {
                    result.FreshReads++;
                    result.SiblingReads += reply.Items.Count > 2 ? 1 : 0;
                }
                else
                {
                    result.StaleReads++;
                }
                Next();
            });
        }

        private string Value(int index) => $"{key}:{index.ToString(CultureInfo.InvariantCulture)}";

        private static int Index(RespValue value)
        {
            var text = value.AsString()!;
            return int.Parse(text.AsSpan(text.LastIndexOf(':') + 1), CultureInfo.InvariantCulture);
        }
    }
}

/// <summary>What a <see cref="StalenessRun"/> saw.</summary>
public sealed class StalenessResult(int seed)
{
    public int Seed { get; } = seed;
    public long WritesAcknowledged { get; set; }
    public long WritesFailed { get; set; }
    public long FreshReads { get; set; }
    public long StaleReads { get; set; }
    public long SiblingReads { get; set; }
    public long ReadsFailed { get; set; }
    public int NodeFailures { get; set; }

    public double StaleRate => FreshReads + StaleReads == 0 ? 0 : (double)StaleReads / (FreshReads + StaleReads);

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"seed {Seed}: {WritesAcknowledged} writes acknowledged ({WritesFailed} failed); reads {FreshReads} fresh, {StaleReads} stale ({StaleRate:P1}), {ReadsFailed} failed, {SiblingReads} with siblings; {NodeFailures} node failures");
}
