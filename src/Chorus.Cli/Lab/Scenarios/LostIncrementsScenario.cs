using System.Globalization;
using Chorus.Simulation.Checkers;
using Chorus.Simulation.History;

namespace Chorus.Cli.Lab.Scenarios;

/// <summary>
/// DDIA ch. 5, "Automatic Conflict Resolution" (CRDTs): two sites count page likes with INCR
/// while the link between them is cut. Under last-write-wins each site's INCR writes its own
/// running total, so when the link heals one site's total wins and the other site's increments
/// made during the cut are gone although every one was acknowledged. Under the counter policy the
/// key is a PN-counter (each site's share, merged), and the healed sum is every acknowledged
/// increment. Judged by the sums the sites show once they agree.
/// </summary>
internal static class LostIncrementsScenario
{
    private const string Name = "lost-increments";
    private const int Counters = 5;

    public static LabScenario Definition { get; } = new(Name,
        "Concurrent increments at two sites (multi-leader counters)",
        "Two sites, s1 and s2, each with its own leader. A client at each site increments five like-counters (INCR); after 1.5 s the link between the sites is cut (CHORUS.LINK CUT on both sides) and both keep counting for 3 s; then they stop, the link heals and the sites converge. "
        + "With last-write-wins, an INCR writes the site's own running total: after the heal one site's total wins and the other site's increments made during the cut are lost, though each was acknowledged. With the counter policy each counter is a PN-counter (a share per site, merged): the healed sum counts every acknowledged increment.",
        RunAsync);

    private static async Task<ScenarioOutcome> RunAsync(LabContext context, CancellationToken cancellationToken)
    {
        var without = await RunOnceAsync(context, "lww", cancellationToken);
        var with = await RunOnceAsync(context, "counter", cancellationToken);
        return new ScenarioOutcome(Definition, [without, with]);
    }

    private static async Task<LabRun> RunOnceAsync(LabContext context, string policy, CancellationToken cancellationToken)
    {
        context.Progress.WriteLine($"  {policy}: starting 2 sites...");
        await using var cluster = await SitePair.StartAsync(policy, context.LogPath(Name, policy), cancellationToken);
        var recorder = new LabRecorder();
        using var lagStop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var lag = LagSampler.RunAsync(cluster, recorder, lagStop.Token, sites: true);
        var clients = SitePair.Nodes.Select(id => new LabSession($"counter-{id[..2]}", cluster, recorder)).ToList();
        var cutUs = await SitePair.CutWhileClientsRunAsync(cluster, recorder,
            stop => [.. clients.Select((c, n) => LabLoop.RunAsync(i => IncrementAsync(c, SitePair.Nodes[n], i), stop))], cancellationToken);
        var sums = await ConvergedSumsAsync(cluster, cancellationToken);
        var healedUs = recorder.NowUs;
        recorder.Fault("sites converged");
        await lagStop.CancelAsync();
        await lag;
        foreach (var client in clients)
        {
            await client.DisposeAsync();
        }
        var convergence = ConvergenceChecker.Check([.. SitePair.Nodes.Select(id => new ReplicaState(id, true, default, Digest(sums[id])))]);
        return Measure(policy, recorder, sums[SitePair.Nodes[0]], convergence, cutUs, healedUs);
    }

    private static string Counter(int i) => $"likes:{i % Counters}";

    private static async Task IncrementAsync(LabSession client, string node, int i)
    {
        var key = Counter(i);
        var op = await client.RunAsync(node, OpKind.Increment, key, "1", ["INCR", key], TimeSpan.FromSeconds(2), CancellationToken.None);
        await (op.Outcome == OpOutcome.Ok ? Task.Delay(20) : LabLoop.BackOffAsync());
    }

    /// <summary>Every counter at both sites, once the sites have exchanged every change (see <see cref="SitePair.ReadOnceExchangedAsync"/>).</summary>
    private static Task<Dictionary<string, long[]>> ConvergedSumsAsync(LabCluster cluster, CancellationToken cancellationToken) =>
        SitePair.ReadOnceExchangedAsync(cluster, async id =>
            {
                var values = new long[Counters];
                for (var k = 0; k < Counters; k++)
                {
                    var reply = await cluster.CommandAsync(id, cancellationToken, "GET", Counter(k));
                    values[k] = reply.IsError || reply.IsNull ? 0 : long.Parse(reply.AsString()!, CultureInfo.InvariantCulture);
                }
                return values;
            }, sums => sums.Select(Digest).Distinct().Count() == 1, cancellationToken);

    private static string Digest(long[] sums) => string.Join(',', sums);

    /// <summary>
    /// Which increments are gone when some are: those a site made during the cut on a counter
    /// whose healed sum is not that site's own last total (the other site's total won).
    /// </summary>
    private static List<Operation> LostToTheOtherTotal(List<Operation> acknowledged, long[] sums, long cutUs)
    {
        var sumOf = Enumerable.Range(0, Counters).ToDictionary(Counter, k => sums[k]);
        return
        [
            .. acknowledged
                .Where(o => o.InvokedUs >= cutUs)
                .GroupBy(o => (o.Client, o.Key))
                .Where(g => g.MaxBy(o => o.Id)!.Integer != sumOf[g.Key.Key])
                .SelectMany(g => g),
        ];
    }

    private static LabRun Measure(string policy, LabRecorder recorder, long[] sums, CheckResult convergence, long cutUs, long healedUs)
    {
        var history = recorder.History();
        var durationUs = recorder.NowUs;
        var acknowledged = history.Operations.Where(o => o.IsAcknowledgedWrite).ToList();
        var missing = MissingPerCounter(acknowledged, sums);
        var lost = missing.Sum() == 0 ? [] : LostToTheOtherTotal(acknowledged, sums, cutUs);
        var latencies = acknowledged.Select(LabMeasures.LatencyMs).ToList();
        LabMetric[] metrics =
        [
            new("operations", "increments sent", LabMeasures.Count(history.Count)),
            new("acknowledged", "increments acknowledged", LabMeasures.Count(acknowledged.Count)),
            new("cut", "increments acknowledged while the sites were cut off", LabMeasures.Count(acknowledged.Count(o => o.InvokedUs >= cutUs))),
            new("sum", "healed sum of the counters (both sites)", LabMeasures.Count(sums.Sum())),
            new("anomalies", "missing: acknowledged increments the healed sums do not count (acknowledged - healed)", LabMeasures.Share(missing.Sum(), acknowledged.Count)),
            new("lost-in-cut", "of them, made during the cut at the site whose total lost", LabMeasures.Share(lost.Count, acknowledged.Count)),
            new("p50", "increment latency p50", LabMeasures.Percentile(latencies, 50)),
            new("p99", "increment latency p99", LabMeasures.Percentile(latencies, 99)),
            new("checker", "convergence checker", LabMeasures.Verdict(convergence)),
        ];
        return new LabRun(policy, $"--conflict-policies \"*={policy}\"", history, recorder.Faults, recorder.LagSamples, [convergence], metrics,
            new LabAnomalies("increments missing from the healed sums (those lost during the cut by when they were acknowledged, the rest at the heal)",
                LabMeasures.PerSecond(MissingTimes(missing, lost, healedUs), durationUs)),
            LabHistogram.OfMilliseconds("latency of acknowledged increments (ms)", latencies), durationUs)
        {
            AnomalousOperations = lost.Select(o => o.Id).ToHashSet(),
        };
    }

    /// <summary>Per counter, the acknowledged increments its healed sum does not count (every increment adds 1).</summary>
    private static long[] MissingPerCounter(List<Operation> acknowledged, long[] sums) =>
        [.. Enumerable.Range(0, Counters).Select(k => Math.Max(0L, acknowledged.Count(o => o.Key == Counter(k)) - sums[k]))];

    /// <summary>
    /// When each missing increment is plotted: those the cut explains (<paramref name="lost"/>) when
    /// acknowledged; the rest — concurrent increments just before the cut under lww, and any the
    /// counter policy loses, which cannot be told apart from outside — when the sites healed.
    /// </summary>
    private static IEnumerable<long> MissingTimes(long[] missing, List<Operation> lost, long healedUs)
    {
        for (var k = 0; k < Counters; k++)
        {
            var explained = lost.Where(o => o.Key == Counter(k)).OrderByDescending(o => o.CompletedUs).Take((int)missing[k]).ToList();
            foreach (var op in explained)
            {
                yield return op.CompletedUs;
            }
            for (var rest = explained.Count; rest < missing[k]; rest++)
            {
                yield return healedUs;
            }
        }
    }
}
