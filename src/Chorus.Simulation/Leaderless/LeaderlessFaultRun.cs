using System.Globalization;
using Chorus.Core;
using Chorus.Replication.Leaderless;
using Chorus.Simulation.Network;
using Chorus.Simulation.Nodes;

namespace Chorus.Simulation.Leaderless;

/// <summary>
/// A random fault run of a leaderless cluster: clients write their own keys through random nodes
/// while nodes crash, get cut off, the cluster splits, links lose and duplicate messages, and
/// clocks are stepped ahead or behind. Then everything heals (crashed nodes restart; clocks keep
/// their skew) and the run checks, once hints and anti-entropy had their time:
/// <list type="bullet">
/// <item><b>convergence</b>: every home replica of every key stores the same versions, and no
/// node keeps a hint;</item>
/// <item><b>no acknowledged write lost</b>: each key's versions hold its last acknowledged value
/// or a later one (a later write was sent after that acknowledgement, so it may replace it; a
/// sibling counts as kept).</item>
/// </list>
/// </summary>
public static class LeaderlessFaultRun
{
    /// <summary>Simulated time the healed cluster gets to converge before the run counts it as not converged.</summary>
    public const long ConvergeMsMax = 60_000;

    public static LeaderlessFaultResult Run(int seed, LeaderlessSettings settings, int nodes = 5, int clients = 6, int keysPerClient = 4, long durationMs = 5_000, long skewMsMax = 2_000) =>
        Run(seed, settings, nodes, clients, keysPerClient, durationMs, skewMsMax, observe: null);

    /// <param name="observe">Called once the cluster started, before the clients: a test's probe into a failing seed.</param>
    internal static LeaderlessFaultResult Run(int seed, LeaderlessSettings settings, int nodes, int clients, int keysPerClient, long durationMs, long skewMsMax, Action<LeaderlessSimCluster>? observe)
    {
        var cluster = new LeaderlessSimCluster(seed, nodes, settings, NetworkProfile.Lan);
        cluster.StartAll();
        observe?.Invoke(cluster);
        cluster.RunFor(2 * settings.PeerDownAfterMs);
        var result = new LeaderlessFaultResult(seed);
        var lastAcked = new Dictionary<string, int>();
        var endMs = cluster.NowMs + durationMs;
        for (var c = 0; c < clients; c++)
        {
            var keys = Enumerable.Range(0, keysPerClient).Select(k => $"c{c}-k{k}").ToList();
            new Writer(cluster, result, keys, lastAcked, endMs).Next();
        }
        new RandomFaults(cluster, result, endMs, skewMsMax).Start();
        cluster.RunFor(durationMs);

        // The faults end; writes still in flight finish (their clients send no more), and the
        // convergence time counts from here.
        result.Event(cluster.NowMs, "faults end: every link healed, every node up");
        Heal(cluster);
        var healedAtMs = cluster.NowMs;
        result.Converged = cluster.RunUntil(() => result.WritesInFlight == 0 && Converged(cluster, lastAcked.Keys), ConvergeMsMax);
        result.ConvergeMs = cluster.NowMs - healedAtMs;
        result.NotConverged = lastAcked.Keys.Count(key => !KeyConverged(cluster, key));
        result.HintsPending = cluster.Members.Sum(m => cluster.Status(m)?.HintsPending ?? 0);
        foreach (var (key, acked) in lastAcked)
        {
            var newest = cluster.Homes(key).Select(home => Newest(cluster, home, key)).DefaultIfEmpty(-1).Max();
            if (newest < acked)
            {
                result.LostWrites.Add($"{key}: last acknowledged {acked}, newest stored {newest}");
                result.LostKeys.Add(key);
            }
        }
        result.KeysWithSiblings = lastAcked.Keys.Count(key => cluster.StoredVersions(cluster.Homes(key)[0], key).SiblingCount > 1);
        result.NodeFailures = cluster.Failures.Count;
        return result;
    }

    private static void Heal(LeaderlessSimCluster cluster)
    {
        cluster.Network.SetFlaky(null);
        cluster.Network.Heal();
        foreach (var member in cluster.Members.Where(m => cluster[m].State == NodeState.Down))
        {
            cluster.Start(member);
        }
    }

    private static bool Converged(LeaderlessSimCluster cluster, IEnumerable<string> keys) =>
        cluster.Members.All(m => cluster.Status(m) is { HintsPending: 0 }) && keys.All(key => KeyConverged(cluster, key));

    private static bool KeyConverged(LeaderlessSimCluster cluster, string key)
    {
        var homes = cluster.Homes(key);
        var first = cluster.StoredVersions(homes[0], key);
        return homes.Skip(1).All(home => cluster.StoredVersions(home, key).SameVersionsAs(first));
    }

    private static int Newest(LeaderlessSimCluster cluster, NodeId node, string key) =>
        cluster.StoredVersions(node, key).Values.Where(v => v.Bytes is not null).Select(v => Index(v.Bytes!)).DefaultIfEmpty(-1).Max();

    private static int Index(byte[] value)
    {
        var text = System.Text.Encoding.UTF8.GetString(value);
        return int.Parse(text.AsSpan(text.LastIndexOf(':') + 1), CultureInfo.InvariantCulture);
    }

    /// <summary>One client: writes the next value of one of its keys through a random node, as soon as the previous write was answered.</summary>
    private sealed class Writer(LeaderlessSimCluster cluster, LeaderlessFaultResult result, List<string> keys, Dictionary<string, int> lastAcked, long endMs)
    {
        private int _next;

        public void Next()
        {
            if (cluster.NowMs >= endMs)
            {
                return;
            }
            var key = cluster.Random.Pick(keys);
            var index = _next++;
            result.WritesInFlight++;
            var via = cluster.Random.Pick(cluster.Members);
            var sentMs = cluster.NowMs;
            cluster.Send(via, ["SET", key, $"{key}:{index.ToString(CultureInfo.InvariantCulture)}"], reply =>
            {
                result.WritesInFlight--;
                result.Event(cluster.NowMs, $"{key}:{index} via {via} sent at {sentMs}: {(reply.IsError ? reply.AsString() : "acknowledged")}");
                if (reply.IsError)
                {
                    result.WritesFailed++;
                }
                else
                {
                    result.WritesAcknowledged++;
                    lastAcked[key] = index;
                }
                Next();
            });
        }
    }
}

/// <summary>What a <see cref="LeaderlessFaultRun"/> saw and checked.</summary>
public sealed class LeaderlessFaultResult(int seed)
{
    public int Seed { get; } = seed;
    public long WritesAcknowledged { get; set; }
    public long WritesFailed { get; set; }

    /// <summary>Writes sent and not answered yet: convergence is judged once none is left.</summary>
    public int WritesInFlight { get; set; }

    public int Crashes { get; set; }
    public int Partitions { get; set; }
    public int Splits { get; set; }
    public int ClockSteps { get; set; }
    public int LossyPeriods { get; set; }
    public bool Converged { get; set; }
    public long ConvergeMs { get; set; }
    public int NotConverged { get; set; }
    public int HintsPending { get; set; }
    public int KeysWithSiblings { get; set; }
    public List<string> LostWrites { get; } = [];

    public List<string> LostKeys { get; } = [];

    /// <summary>What happened, in order (faults and every write's outcome), to explain a failing seed.</summary>
    public List<string> Events { get; } = [];

    public void Event(long atMs, string what) => Events.Add($"{atMs.ToString(CultureInfo.InvariantCulture)} ms: {what}");
    public int NodeFailures { get; set; }

    /// <summary>The faults, and the writes of the keys that lost one: the story of a failing seed.</summary>
    public IEnumerable<string> Story => Events.Where(e => !e.Contains("-k", StringComparison.Ordinal) || LostKeys.Any(k => e.Contains(k + ":", StringComparison.Ordinal)));

    public bool Passed => Converged && LostWrites.Count == 0 && NodeFailures == 0;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"seed {Seed}: {WritesAcknowledged} writes acknowledged ({WritesFailed} failed); faults: {Crashes} crashes, {Partitions} cut-offs, {Splits} splits, {ClockSteps} clock steps, {LossyPeriods} lossy periods; " +
        $"{(Converged ? $"converged {ConvergeMs} ms after the heal" : $"NOT converged after {ConvergeMs} ms ({NotConverged} keys differ, {HintsPending} hints pending)")}; " +
        $"{LostWrites.Count} acknowledged writes lost{(LostWrites.Count > 0 ? " (" + string.Join("; ", LostWrites.Take(3)) + ")" : "")}; {KeysWithSiblings} keys with siblings; {NodeFailures} node failures");
}
