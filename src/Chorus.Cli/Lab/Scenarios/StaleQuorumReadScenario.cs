using System.Globalization;
using Chorus.Simulation.Checkers.Linearizability;
using Chorus.Simulation.History;

namespace Chorus.Cli.Lab.Scenarios;

/// <summary>
/// DDIA ch. 5, "Writing to the Database When a Node Is Down" (figure 5-10): in a leaderless
/// cluster (N=3, W=2) n3 is killed while a writer keeps updating 100 keys through n1; the writes
/// succeed on n1 and n2. n3 restarts having missed them (hinted handoff and anti-entropy are off,
/// so only reads can repair it) and, for 2.5 s, hears nothing from its peers (its inbound link is
/// held). Readers read every key through every node. With R=1 (W+R = N: read and write quorums
/// need not overlap) the reads n3 coordinates answer from n3's own stale copy; with R=2
/// (W+R &gt; N) n3 cannot gather a quorum and refuses, while n1 and n2 answer with the newest
/// value. Once the link heals every reader reads every key again, and read repair brings n3 up to
/// date in both runs. Judged by the linearizability checker and the replicas' digests.
/// </summary>
internal static class StaleQuorumReadScenario
{
    private const string Name = "stale-quorum-read";
    private const int Keys = 100;
    private static readonly string[] Nodes = ["n1", "n2", "n3"];

    public static LabScenario Definition { get; } = new(Name,
        "A stale read from a replica that missed writes, and read repair (leaderless)",
        "Three leaderless nodes, N=3, W=2. A writer updates 100 keys through n1; n3 is killed (kill -9) and the writer goes on for 2 s — n1 and n2 take every write. The writer stops and n3 restarts, having missed those writes (hinted handoff and anti-entropy are off: only reads repair it), and for 2.5 s hears nothing from its peers (its inbound link is held). Three readers read every key, one through each node. "
        + "With R=1 (W+R = N), the reads n3 coordinates answer from n3's stale copy. With R=2 (W+R > N), n3 cannot gather two replies and refuses instead, and every read n1 or n2 coordinates hears from a replica that took the write: no stale read. When the link heals, every reader reads every key again and read repair brings n3 up to date.",
        RunAsync);

    private static async Task<ScenarioOutcome> RunAsync(LabContext context, CancellationToken cancellationToken)
    {
        var without = await RunOnceAsync(context, readQuorum: 1, cancellationToken);
        var with = await RunOnceAsync(context, readQuorum: 2, cancellationToken);
        return new ScenarioOutcome(Definition, [without, with]);
    }

    private static async Task<LabRun> RunOnceAsync(LabContext context, int readQuorum, CancellationToken cancellationToken)
    {
        var variant = $"R={readQuorum}";
        context.Progress.WriteLine($"  {variant}: starting 3 leaderless nodes...");
        await using var cluster = await LabCluster.StartAsync(Nodes, _ => Flags(readQuorum), (c, token) => c.WaitForPeersUpAsync(token),
            context.LogPath(Name, $"r{readQuorum}"), cancellationToken);
        var recorder = new LabRecorder();
        var writer = new LabSession("writer", cluster, recorder);
        var readers = Nodes.Select(node => new LabSession($"reader-{node}", cluster, recorder)).ToList();
        long downUs;
        using (var stopWriting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            var writing = LabLoop.RunAsync(i => WriteAsync(writer, i), stopWriting.Token);
            try
            {
                await LabLoop.HoldAsync(1500, cancellationToken);
                await cluster.KillAsync("n3");
                downUs = recorder.NowUs;
                recorder.Fault("n3 killed (kill -9)");
                await LabLoop.HoldAsync(2000, cancellationToken);
            }
            finally
            {
                await stopWriting.CancelAsync();
                await writing;
            }
        }
        recorder.Fault("writer stopped");
        cluster.Restart("n3");
        await cluster.WaitForPeersUpAsync(cancellationToken);
        recorder.Fault("n3 down", downUs);
        // n3 is back, but for a while hears nothing from its peers (its inbound link is held): the
        // reads it coordinates can only use its own copy, which missed the writes.
        await LinkFlapper.SetAsync(cluster, "n3", "PAUSE");
        var cutUs = recorder.NowUs;
        var passes = new int[Nodes.Length];
        using (var stopReading = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            var reading = readers.Select((reader, n) => LabLoop.RunAsync(i => ReadAsync(reader, Nodes[n], i, passes, n), stopReading.Token)).ToList();
            try
            {
                await LabLoop.HoldAsync(2500, cancellationToken);
                await LinkFlapper.SetAsync(cluster, "n3", "RESUME");
                recorder.Fault("n3 back, cut off from its peers", cutUs);
                // Read repair fixes only what is read: every reader reads every key once more.
                var target = passes.Select(done => done + Keys).ToArray();
                await ReadersReachAsync(passes, target, cluster, cancellationToken);
                recorder.Fault("every key read again after the link healed");
            }
            finally
            {
                await stopReading.CancelAsync();
                await Task.WhenAll(reading);
            }
        }
        var repairs = await ReadRepairsAsync(cluster, cancellationToken);
        var digests = await Task.WhenAll(Nodes.Select(n => cluster.CommandAsync(n, cancellationToken, "CHORUS.DIGEST")));
        var converged = digests.All(d => !d.IsError) && digests.Select(Digest).Distinct().Count() == 1;
        foreach (var session in readers.Append(writer))
        {
            await session.DisposeAsync();
        }
        return Measure(variant, readQuorum, recorder, downUs, repairs, converged);
    }

    private static IReadOnlyList<string> Flags(int readQuorum) =>
    [
        "--family", "leaderless",
        "--n", "3", "--w", "2", "--r", readQuorum.ToString(CultureInfo.InvariantCulture),
        "--sloppy-quorum", "false",
        "--Leaderless:HintedHandoff=false",
        "--Leaderless:AntiEntropy=false",
    ];

    private static async Task WriteAsync(LabSession writer, int i)
    {
        var key = $"key:{i % Keys}";
        var value = i.ToString(CultureInfo.InvariantCulture);
        var op = await writer.RunAsync("n1", OpKind.Write, key, value, ["SET", key, value], TimeSpan.FromSeconds(2), CancellationToken.None);
        await (op.Outcome == OpOutcome.Ok ? Task.CompletedTask : LabLoop.BackOffAsync());
    }

    private static async Task ReadAsync(LabSession reader, string node, int i, int[] passes, int index)
    {
        var key = $"key:{i % Keys}";
        var op = await reader.RunAsync(node, OpKind.Read, key, null, ["GET", key], TimeSpan.FromSeconds(2), CancellationToken.None);
        Interlocked.Increment(ref passes[index]);
        await (op.Outcome == OpOutcome.Ok ? Task.CompletedTask : LabLoop.BackOffAsync());
    }

    /// <summary>Waits until every reader has made <paramref name="target"/> reads (at most 120 s on a busy machine).</summary>
    private static Task ReadersReachAsync(int[] passes, int[] target, LabCluster cluster, CancellationToken cancellationToken) =>
        LabCluster.UntilAsync(() =>
            {
                cluster.ThrowIfANodeExited();
                return Task.FromResult(target.Select((wanted, n) => Volatile.Read(ref passes[n]) >= wanted).All(reached => reached));
            }, TimeSpan.FromSeconds(120), "the readers did not read every key again", cancellationToken);

    private static async Task<long> ReadRepairsAsync(LabCluster cluster, CancellationToken cancellationToken)
    {
        var total = 0L;
        foreach (var member in cluster.Members)
        {
            var info = await NodeInfo.TryFetchAsync(member.Host, member.Port, cancellationToken);
            total += long.TryParse(info?.GetValueOrDefault("leaderless_read_repairs"), CultureInfo.InvariantCulture, out var repairs) ? repairs : 0;
        }
        return total;
    }

    private static string Digest(Resp.RespValue reply) => reply.Items is { Count: > 0 } items ? items[0].AsString() ?? "" : reply.AsString() ?? "";

    private static LabRun Measure(string variant, int readQuorum, LabRecorder recorder, long downUs, long repairs, bool converged)
    {
        var history = recorder.History();
        var durationUs = recorder.NowUs;
        var check = new LinearizabilityChecker().Check(history);
        var staleness = Staleness.OfRegisterReads(history);
        var reads = history.Operations.Where(o => o.IsRead).ToList();
        var answered = reads.Where(o => o.Outcome == OpOutcome.Ok).ToList();
        var stale = answered.Where(r => staleness[r.Id] > 0).ToList();
        var missed = history.Operations.Where(o => o.IsAcknowledgedWrite && o.InvokedUs >= downUs).Select(o => o.Key).Distinct().Count();
        var latencies = answered.Select(LabMeasures.LatencyMs).ToList();
        LabMetric[] metrics =
        [
            new("acknowledged", "writes acknowledged (W=2)", LabMeasures.Count(history.Operations.Count(o => o.IsAcknowledgedWrite))),
            new("missed", "keys written while n3 was down", LabMeasures.Count(missed)),
            new("reads", "reads answered after n3 came back", LabMeasures.Count(answered.Count)),
            new("refused", "reads refused (fewer than R replicas answered)", LabMeasures.Count(reads.Count - answered.Count)),
            new("anomalies", "stale reads (older than an acknowledged write)", LabMeasures.Share(stale.Count, answered.Count)),
            new("at-n3", "stale reads coordinated by n3", LabMeasures.Count(stale.Count(o => o.Node == "n3"))),
            new("repairs", "read repairs sent", LabMeasures.Count(repairs)),
            new("converged", "replicas equal at the end (CHORUS.DIGEST)", converged ? "yes" : "no"),
            new("p50", "read latency p50", LabMeasures.Percentile(latencies, 50)),
            new("p99", "read latency p99", LabMeasures.Percentile(latencies, 99)),
            new("checker", "linearizability checker", LabMeasures.Verdict(check)),
        ];
        return new LabRun(variant, $"--n 3 --w 2 --r {readQuorum} (no hinted handoff, no anti-entropy)", history, recorder.Faults, recorder.LagSamples, [check], metrics,
            new LabAnomalies("stale reads", LabMeasures.PerSecond(stale.Select(o => o.InvokedUs), durationUs)),
            LabHistogram.OfMilliseconds("staleness of reads (ms)", staleness.Values), durationUs)
        {
            AnomalousOperations = stale.Select(o => o.Id).ToHashSet(),
        };
    }
}
