using System.Globalization;
using Chorus.Core;
using Chorus.Replication.Leaderless;
using Chorus.Resp;
using Chorus.Simulation.Network;

namespace Chorus.Simulation.Leaderless;

/// <summary>
/// Concurrent writes and clock skew (DDIA ch. 5, "Last write wins"; ch. 8, "Timestamps for
/// ordering events"). Each key is written in turns: write value i through a random node, and once
/// it is acknowledged, read it back through random nodes twice — a plain <c>GET</c>, which shows
/// one sibling, the newest by its coordinator's timestamp (last-write-wins), and
/// <c>CHORUS.GETV</c>, which returns every sibling — then write value i + 1. Every write is thus
/// made after the previous one was acknowledged and read: it is later in real time and causally.
/// Yet the coordinator of write i + 1 may not have stored write i yet (W of N acknowledged it), so
/// the two become siblings; if write i's coordinator clock runs ahead, its timestamp wins and
/// <c>GET</c> shows the older value. Dotted version vectors keep both, so <c>CHORUS.GETV</c> never
/// loses the later write.
/// </summary>
public static class ClockSkewRun
{
    /// <param name="skewMs">How far n1's clock runs ahead of true time (0: every clock is right).</param>
    public static ClockSkewResult Run(int seed, LeaderlessSettings settings, long skewMs, int keys = 8, long durationMs = 5_000, NetworkProfile? network = null)
    {
        var cluster = new LeaderlessSimCluster(seed, 3, settings, network);
        cluster[new NodeId("n1")].Clock.Skew(skewMs * 1000);
        cluster.StartAll();
        cluster.RunFor(2 * settings.PeerDownAfterMs);
        var result = new ClockSkewResult(seed, skewMs);
        var endMs = cluster.NowMs + durationMs;
        for (var k = 0; k < keys; k++)
        {
            new Chain(cluster, result, $"key-{k}", endMs).Write();
        }
        cluster.RunFor(durationMs + (3 * settings.RequestTimeoutMs));
        result.NodeFailures = cluster.Failures.Count;
        return result;
    }

    private sealed class Chain(LeaderlessSimCluster cluster, ClockSkewResult result, string key, long endMs)
    {
        private int _next;

        public void Write()
        {
            if (cluster.NowMs >= endMs)
            {
                return;
            }
            var index = _next++;
            cluster.Send(cluster.Random.Pick(cluster.Members), ["SET", key, $"{key}:{index.ToString(CultureInfo.InvariantCulture)}"], reply =>
            {
                if (reply.IsError)
                {
                    result.WritesFailed++;
                    Write();
                    return;
                }
                result.WritesAcknowledged++;
                ReadBack(index);
            });
        }

        /// <summary>Both reads at once, through random nodes; the next write waits for both.</summary>
        private void ReadBack(int index)
        {
            var answers = 0;
            void Answered()
            {
                if (++answers == 2)
                {
                    Write();
                }
            }
            cluster.Send(cluster.Random.Pick(cluster.Members), ["GET", key], reply =>
            {
                if (!reply.IsError)
                {
                    result.LwwReads++;
                    result.LwwStale += reply.IsNull || Index(reply) < index ? 1 : 0;
                }
                Answered();
            });
            cluster.Send(cluster.Random.Pick(cluster.Members), ["CHORUS.GETV", key], reply =>
            {
                if (!reply.IsError)
                {
                    var siblings = reply.Items.Skip(1).Where(v => !v.IsNull).Select(Index).ToList();
                    result.SiblingReads++;
                    result.SiblingReadsWithSiblings += siblings.Count > 1 ? 1 : 0;
                    result.SiblingStale += siblings.Any(i => i >= index) ? 0 : 1;
                }
                Answered();
            });
        }

        private static int Index(RespValue value)
        {
            var text = value.AsString()!;
            return int.Parse(text.AsSpan(text.LastIndexOf(':') + 1), CultureInfo.InvariantCulture);
        }
    }
}

/// <summary>What a <see cref="ClockSkewRun"/> saw.</summary>
public sealed class ClockSkewResult(int seed, long skewMs)
{
    public int Seed { get; } = seed;
    public long SkewMs { get; } = skewMs;
    public long WritesAcknowledged { get; set; }
    public long WritesFailed { get; set; }

    /// <summary>Plain GETs (last-write-wins by timestamp) after an acknowledged write.</summary>
    public long LwwReads { get; set; }

    /// <summary>Plain GETs that showed an older value than the write just acknowledged (or none).</summary>
    public long LwwStale { get; set; }

    /// <summary>CHORUS.GETV reads (every sibling) after an acknowledged write.</summary>
    public long SiblingReads { get; set; }

    /// <summary>CHORUS.GETV reads whose siblings did not include the write just acknowledged (or a later one).</summary>
    public long SiblingStale { get; set; }

    public long SiblingReadsWithSiblings { get; set; }
    public int NodeFailures { get; set; }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"seed {Seed}, n1 {SkewMs} ms ahead: {WritesAcknowledged} writes acknowledged ({WritesFailed} failed); GET (last write wins) {LwwStale} stale of {LwwReads}; CHORUS.GETV {SiblingStale} stale of {SiblingReads}, {SiblingReadsWithSiblings} with siblings; {NodeFailures} node failures");
}
