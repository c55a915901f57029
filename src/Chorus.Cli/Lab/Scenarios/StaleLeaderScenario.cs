using Chorus.Simulation.Checkers.Linearizability;
using Chorus.Simulation.History;

namespace Chorus.Cli.Lab.Scenarios;

/// <summary>
/// DDIA ch. 5 and 9: a leader cut off from its peers does not know it was deposed, and serves
/// reads from a state the new leader has long moved past. A teller writes a balance (1, 2, 3, ...)
/// at the leader; two readers read it at n1. Then n1's peer link is held (it hears nothing from
/// its peers) and n1 freezes long enough for n2 and n3 to elect a new leader; n1 resumes, still
/// cut off. The teller writes at the new leader; the readers at n1 see the old balance. With
/// strong reads (CHORUS.READ strong: a read index confirmed by a majority), n1 cannot confirm it
/// still leads and refuses instead. The simulator's linearizability checker judges each history.
/// </summary>
internal static class StaleLeaderScenario
{
    private const string Name = "stale-leader";
    private const string Key = "balance";
    private const int Readers = 2;

    public static LabScenario Definition { get; } = new(Name,
        "A stale read from a deposed leader (linearizability)",
        "A teller writes a balance (1, 2, 3, ...) at the leader; two readers read it at n1. n1 is cut off (its peer link is held) and frozen until n2 and n3 elect a new leader, then resumes — still cut off, still believing it leads. The teller writes at the new leader. "
        + "Read as they are (eventual), the readers at n1 see balances the new leader has long replaced. With strong reads, n1 must confirm with a majority that it still leads before answering; it cannot, and refuses instead.",
        RunAsync);

    private static async Task<ScenarioOutcome> RunAsync(LabContext context, CancellationToken cancellationToken)
    {
        var without = await RunOnceAsync(context, "eventual", guarded: false, cancellationToken);
        var with = await RunOnceAsync(context, "strong", guarded: true, cancellationToken);
        return new ScenarioOutcome(Definition, [without, with]);
    }

    private static async Task<LabRun> RunOnceAsync(LabContext context, string variant, bool guarded, CancellationToken cancellationToken)
    {
        context.Progress.WriteLine($"  {variant}: starting 3 nodes...");
        await using var cluster = await LabCluster.StartAsync(3, [], context.LogPath(Name, variant), cancellationToken);
        var recorder = new LabRecorder();
        var target = new WriteTarget("n1");
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var lag = LagSampler.RunAsync(cluster, recorder, stop.Token);
        var teller = new LabSession("teller", cluster, recorder);
        var readers = Enumerable.Range(1, Readers).Select(i => new LabSession($"reader{i}", cluster, recorder)).ToList();
        List<Task> loops =
        [
            LabLoop.RunAsync(i => WriteAsync(teller, target, i), stop.Token),
            .. readers.Select(r => LabLoop.RunAsync(_ => ReadAsync(r, guarded), stop.Token)),
        ];
        try
        {
            await LabLoop.HoldAsync(2000, cancellationToken);
            await LinkFlapper.SetAsync(cluster, "n1", "PAUSE");
            recorder.Fault("n1 cut off (peer link held)");
            cluster.Pause("n1");
            recorder.Fault("n1 frozen (SIGSTOP)");
            var leader = await cluster.WaitForNewLeaderAsync("n1", 1, cancellationToken);
            target.Node = leader;
            recorder.Fault($"{leader} leads");
            cluster.Resume("n1");
            recorder.Fault("n1 resumed, still cut off");
            await LabLoop.HoldAsync(4000, cancellationToken);
            await LinkFlapper.SetAsync(cluster, "n1", "RESUME");
            recorder.Fault("n1's link restored");
            await LabLoop.HoldAsync(1500, cancellationToken);
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll([.. loops, lag]);
            foreach (var session in readers.Append(teller))
            {
                await session.DisposeAsync();
            }
        }
        var setting = guarded ? "CHORUS.READ strong GET at n1" : "GET at n1 (eventual)";
        return Measure(variant, setting, recorder, recorder.NowUs);
    }

    private static async Task WriteAsync(LabSession teller, WriteTarget target, int i)
    {
        var value = i.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var op = await teller.RunAsync(target.Node, OpKind.Write, Key, value, ["SET", Key, value], TimeSpan.FromSeconds(1), CancellationToken.None);
        await (op.Outcome == OpOutcome.Ok ? Task.Delay(10) : LabLoop.BackOffAsync());
    }

    private static async Task ReadAsync(LabSession reader, bool guarded)
    {
        string[] read = guarded ? ["CHORUS.READ", "strong", "WAIT", "1000", "GET", Key] : ["GET", Key];
        var op = await reader.RunAsync("n1", OpKind.Read, Key, null, read, TimeSpan.FromSeconds(2), CancellationToken.None);
        await (op.Outcome == OpOutcome.Ok ? Task.Delay(10) : LabLoop.BackOffAsync());
    }

    private static LabRun Measure(string variant, string setting, LabRecorder recorder, long durationUs)
    {
        var history = recorder.History();
        var check = new LinearizabilityChecker().Check(history);
        var staleness = Staleness.OfRegisterReads(history);
        var reads = history.Operations.Where(o => o.IsRead).ToList();
        var answered = reads.Where(o => o.Outcome == OpOutcome.Ok).ToList();
        // A read that returned a balance older than one acknowledged before it began cannot be linearized.
        var stale = answered.Where(r => staleness[r.Id] > 0).ToList();
        var latencies = answered.Select(LabMeasures.LatencyMs).ToList();
        LabMetric[] metrics =
        [
            new("operations", "operations", LabMeasures.Count(history.Count)),
            new("acknowledged", "writes acknowledged", LabMeasures.Count(history.Operations.Count(o => o.IsAcknowledgedWrite))),
            new("reads", "reads answered at n1", LabMeasures.Count(answered.Count)),
            new("anomalies", "stale reads (older than an acknowledged write)", LabMeasures.Share(stale.Count, answered.Count)),
            new("refused", "reads refused or unanswered", LabMeasures.Count(reads.Count - answered.Count)),
            new("worst", "stalest read", string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{(stale.Count == 0 ? 0 : stale.Max(r => staleness[r.Id])):0} ms")),
            new("p50", "read latency p50", LabMeasures.Percentile(latencies, 50)),
            new("p99", "read latency p99", LabMeasures.Percentile(latencies, 99)),
            new("checker", "linearizability checker", LabMeasures.Verdict(check)),
        ];
        return new LabRun(variant, setting, history, recorder.Faults, recorder.LagSamples, [check], metrics,
            new LabAnomalies("stale reads", LabMeasures.PerSecond(stale.Select(o => o.InvokedUs), durationUs)),
            LabHistogram.OfMilliseconds("staleness of reads (ms)", staleness.Values), durationUs)
        {
            AnomalousOperations = stale.Select(o => o.Id).ToHashSet(),
        };
    }
}
