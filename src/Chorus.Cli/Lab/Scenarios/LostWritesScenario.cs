using Chorus.Client;
using Chorus.Simulation.Checkers;
using Chorus.Simulation.History;

namespace Chorus.Cli.Lab.Scenarios;

/// <summary>
/// DDIA ch. 5, "Leader failure: failover": with asynchronous replication, writes the old leader
/// acknowledged but no follower had yet are gone when a follower takes over. Four clients write
/// new keys at the leader; both followers freeze for 1.5 s (SIGSTOP: a GC pause, a stalled disk),
/// the leader is killed with -9 at the end of it, the followers resume and elect a new leader.
/// Every key is then read back at the new leader, and the simulator's acknowledged-write checker
/// judges the history. Under semi-sync (any 1 of 2 followers must confirm), writes stall while
/// the followers are frozen instead of being acknowledged, and none is lost.
/// </summary>
internal static partial class LostWritesScenario
{
    private const string Name = "lost-writes";
    private const int Writers = 4;
    private const int ValueBytes = 1000;
    private static readonly TimeSpan WriteTimeout = TimeSpan.FromSeconds(2);

    public static LabScenario Definition { get; } = new(Name,
        "Acknowledged writes lost in a failover",
        "Four clients write new keys at the leader. Both followers freeze for 1.5 s (SIGSTOP), the leader is killed (kill -9) at the end of it, the followers resume and elect a new leader, and every key is read back there. "
        + "With asynchronous replication the leader acknowledged writes that only it had: they are gone — restarted, the old leader saves them to a rollback file as it rejoins, so they are lost but not silently. With semi-sync (any 1 follower confirms before the client hears OK) the writes wait instead, and none is lost.",
        RunAsync);

    private static async Task<ScenarioOutcome> RunAsync(LabContext context, CancellationToken cancellationToken)
    {
        var without = await RunOnceAsync(context, "async", ["--ack", "async"], cancellationToken);
        var with = await RunOnceAsync(context, "semi-sync any 1", ["--ack", "semi-sync any 1"], cancellationToken);
        return new ScenarioOutcome(Definition, [without, with]);
    }

    private static async Task<LabRun> RunOnceAsync(LabContext context, string variant, string[] flags, CancellationToken cancellationToken)
    {
        context.Progress.WriteLine($"  {variant}: starting 3 nodes...");
        // A longer election timeout (and so lease) lets the leader keep acknowledging while its followers are frozen.
        await using var cluster = await LabCluster.StartAsync(3, [.. flags, "--election-timeout-ms", "3000"], context.LogPath(Name, variant.Replace(' ', '-')), cancellationToken);
        var recorder = new LabRecorder();
        var target = new WriteTarget("n1");
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var lag = LagSampler.RunAsync(cluster, recorder, stop.Token);
        var sessions = Enumerable.Range(1, Writers).Select(i => new LabSession($"client{i}", cluster, recorder)).ToList();
        var writers = sessions.Select(s => LabLoop.RunAsync(i => WriteAsync(s, target, i), stop.Token)).ToList();
        string leader;
        try
        {
            await LabLoop.HoldAsync(2000, cancellationToken);
            cluster.Pause("n2");
            cluster.Pause("n3");
            recorder.Fault("n2, n3 frozen (SIGSTOP)");
            await LabLoop.HoldAsync(1500, cancellationToken);
            await cluster.KillAsync("n1");
            recorder.Fault("kill -9 n1 (the leader)");
            cluster.Resume("n2");
            cluster.Resume("n3");
            recorder.Fault("n2, n3 resumed");
            leader = await cluster.WaitForNewLeaderAsync("n1", 1, cancellationToken);
            recorder.Fault($"{leader} leads");
            target.Node = leader;
            await LabLoop.HoldAsync(1500, cancellationToken);
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll([.. writers, lag]);
            foreach (var session in sessions)
            {
                await session.DisposeAsync();
            }
        }
        var durationUs = recorder.NowUs;
        var history = recorder.History();
        var finals = await FinalValuesAsync(cluster[leader], history, cancellationToken);
        var check = AckedWriteLossChecker.Check(history, finals, []);
        // The killed leader comes back as a follower: it truncates what the new leader lacks, saving
        // it to a rollback file first (docs/failover.md). The lost writes are there, not silently gone.
        cluster.Restart("n1");
        await cluster.WaitForCaughtUpAsync("n1", leader, cancellationToken);
        var rolledBack = RollbacksCommand.EntryLines(cluster["n1"].DataDir);
        return Measure(variant, string.Join(' ', flags), recorder, history, check, durationUs, rolledBack);
    }

    private static async Task WriteAsync(LabSession session, WriteTarget target, int i)
    {
        var key = $"order:{session.Name}:{i}";
        var value = $"{session.Name}-{i}-".PadRight(ValueBytes, '.');
        var op = await session.RunAsync(target.Node, OpKind.Write, key, value, ["SET", key, value], WriteTimeout, CancellationToken.None);
        if (op.Outcome != OpOutcome.Ok)
        {
            await LabLoop.BackOffAsync();
        }
    }

    /// <summary>Every key the run wrote, read back at the new leader (MGET in batches).</summary>
    private static async Task<Dictionary<string, string?>> FinalValuesAsync(ClusterFile.Member leader, OperationHistory history, CancellationToken cancellationToken)
    {
        var finals = new Dictionary<string, string?>(StringComparer.Ordinal);
        await using var connection = await RespConnection.ConnectAsync(leader.Host, leader.Port, TimeSpan.FromSeconds(10), cancellationToken);
        foreach (var batch in history.Keys().Chunk(200))
        {
            var reply = await connection.CommandAsync(cancellationToken, ["MGET", .. batch]);
            if (reply.IsError)
            {
                throw new InvalidOperationException($"MGET at the new leader {leader.Id}: {reply.AsString()}");
            }
            for (var i = 0; i < batch.Length; i++)
            {
                finals[batch[i]] = reply.Items[i].IsNull ? null : reply.Items[i].AsString();
            }
        }
        return finals;
    }

    private static LabRun Measure(string variant, string setting, LabRecorder recorder, OperationHistory history, CheckResult check, long durationUs, IReadOnlyList<string> rolledBack)
    {
        var keysRolledBack = rolledBack.SelectMany(line => KeyPattern().Matches(line).Select(m => m.Value)).ToHashSet(StringComparer.Ordinal);
        var writes = history.Operations;
        var acknowledged = writes.Where(w => w.IsAcknowledgedWrite).ToList();
        var lost = LabMeasures.Named([check]);
        var latencies = acknowledged.Select(LabMeasures.LatencyMs).ToList();
        var lostOps = writes.Where(w => lost.Contains(w.Id)).ToList();
        LabMetric[] metrics =
        [
            new("operations", "writes sent", LabMeasures.Count(writes.Count)),
            new("acknowledged", "writes acknowledged", LabMeasures.Count(acknowledged.Count)),
            new("anomalies", "acknowledged writes lost", LabMeasures.Share(lostOps.Count, acknowledged.Count)),
            new("unacknowledged", "writes refused or unanswered", LabMeasures.Count(writes.Count - acknowledged.Count)),
            new("rolled-back", "changes in n1's rollback file after it rejoined", LabMeasures.Count(rolledBack.Count)),
            new("recoverable", "lost writes found in that rollback file", LabMeasures.Share(lostOps.Count(o => keysRolledBack.Contains(o.Key)), lostOps.Count)),
            new("gap", "longest time without an acknowledged write", LongestGap(acknowledged, durationUs)),
            new("p50", "write latency p50", LabMeasures.Percentile(latencies, 50)),
            new("p99", "write latency p99", LabMeasures.Percentile(latencies, 99)),
            new("checker", "acked-write-loss checker", LabMeasures.Verdict(check)),
        ];
        return new LabRun(variant, setting, history, recorder.Faults, recorder.LagSamples, [check], metrics,
            new LabAnomalies("acknowledged writes lost (by when they were acknowledged)", LabMeasures.PerSecond(lostOps.Select(o => o.CompletedUs), durationUs)),
            LabHistogram.OfMilliseconds("latency of acknowledged writes (ms)", latencies), durationUs)
        {
            AnomalousOperations = lost,
        };
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"order:client\d+:\d+")]
    private static partial System.Text.RegularExpressions.Regex KeyPattern();

    private static string LongestGap(List<Operation> acknowledged, long durationUs)
    {
        var times = acknowledged.Select(o => o.CompletedUs).Order().Prepend(0).Append(durationUs).ToList();
        var gapUs = times.Zip(times.Skip(1), (a, b) => b - a).Max();
        return string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{gapUs / 1e6:0.00} s");
    }
}
