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
/// stored: seeing it is not stale). Faults (<see cref="StalenessFaults"/>) crash, cut off, split
/// or restore nodes from old backups while the clients run.
/// </summary>
public static class StalenessRun
{
    /// <param name="readAfterUs">How long after the acknowledgement the read is sent (the "t" of probabilistically bounded staleness).</param>
    public static StalenessResult Run(int seed, int nodes, LeaderlessSettings settings, int clients, long durationMs, bool faults, NetworkProfile? network = null, long readAfterUs = 0) =>
        Run(seed, nodes, settings, new StalenessWorkload
        {
            Clients = clients,
            DurationMs = durationMs,
            Network = network,
            ReadAfterUs = readAfterUs,
            Faults = faults ? StalenessFaults.CrashOrCutOff : StalenessFaults.None,
        });

    public static StalenessResult Run(int seed, int nodes, LeaderlessSettings settings, StalenessWorkload workload)
    {
        var cluster = new LeaderlessSimCluster(seed, nodes, settings, workload.Network);
        cluster.StartAll();
        cluster.RunFor(2 * settings.PeerDownAfterMs);
        var result = new StalenessResult(seed);
        var endMs = cluster.NowMs + workload.DurationMs;
        for (var c = 0; c < workload.Clients; c++)
        {
            new Client(cluster, result, $"key-{c}", endMs, workload).Next();
        }
        StalenessFaultSchedule.Start(cluster, workload.Faults, endMs);
        cluster.RunFor(workload.DurationMs + (3 * settings.RequestTimeoutMs));
        result.NodeFailures = cluster.Failures.Count;
        return result;
    }

    private sealed class Client(LeaderlessSimCluster cluster, StalenessResult result, string key, long endMs, StalenessWorkload workload)
    {
        private int _next;
        private int _acked = -1;
        private int _failed = -1;

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
                    _failed = index;
                    if (workload.ReadAfterFailedWrite)
                    {
                        cluster.RunLaterUs(workload.ReadAfterUs, Read);
                    }
                    else
                    {
                        Next();
                    }
                    return;
                }
                result.WritesAcknowledged++;
                _acked = index;
                cluster.RunLaterUs(workload.ReadAfterUs, Read);
            });
        }

        private void Read()
        {
            var expected = _acked;
            var failed = _failed > _acked ? _failed : -1;
            cluster.Send(cluster.Random.Pick(cluster.Members), ["CHORUS.GETV", key], reply =>
            {
                if (reply.IsError)
                {
                    result.ReadsFailed++;
                }
                else
                {
                    var newest = reply.Items.Skip(1).Where(v => !v.IsNull).Select(Index).DefaultIfEmpty(-1).Max();
                    Classify(newest, expected, failed, reply.Items.Count > 2);
                }
                Next();
            });
        }

        /// <summary>Stale: no sibling is the last acknowledged write or a later one (a later write that failed its quorum may still be stored: seeing it is not stale).</summary>
        private void Classify(int newest, int expected, int failed, bool siblings)
        {
            if (newest >= expected)
            {
                result.FreshReads++;
                result.SiblingReads += siblings ? 1 : 0;
            }
            else
            {
                result.StaleReads++;
            }
            if (failed >= 0)
            {
                // The client was told this write failed; whether a read returns it is chance.
                if (newest >= failed)
                {
                    result.FailedWriteSeen++;
                }
                else
                {
                    result.FailedWriteMissed++;
                }
            }
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

    /// <summary>Reads right after a write the client was told failed, that returned it (or a later one): the write was not rolled back.</summary>
    public long FailedWriteSeen { get; set; }

    /// <summary>Reads right after a write the client was told failed, that did not return it.</summary>
    public long FailedWriteMissed { get; set; }
    public int NodeFailures { get; set; }

    public double StaleRate => FreshReads + StaleReads == 0 ? 0 : (double)StaleReads / (FreshReads + StaleReads);

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"seed {Seed}: {WritesAcknowledged} writes acknowledged ({WritesFailed} failed); reads {FreshReads} fresh, {StaleReads} stale ({StaleRate:P1}), {ReadsFailed} failed, {SiblingReads} with siblings; after a failed write {FailedWriteSeen} saw it, {FailedWriteMissed} did not; {NodeFailures} node failures");
}
