using System.Diagnostics;
using System.Globalization;

namespace Chorus.Benchmarks.Load;

/// <summary>
/// <c>lag --leader P --followers P,P --rate N --seconds S [--value-bytes 16] [--sample-ms 2] [--visible-only]</c>:
/// paces SETs at the leader and samples replication lag from the servers' own offsets.
/// Both Redis and Chorus report <c>master_repl_offset</c> on the leader and
/// <c>slave_repl_offset</c> on a replica (Redis: bytes of the replication stream; Chorus: LSNs).
/// The replica is asked directly: a Redis master learns its replicas' offsets only from their
/// once-a-second REPLCONF ACK, too coarse for millisecond lag.
/// <para>
/// Lag in entries = leader offset − follower offset (Redis bytes divided by the stream's bytes
/// per write, measured over the run). Lag in ms = now − the time the leader was first seen past
/// the follower's offset: how old the oldest write the follower is missing is, to within one
/// sampling interval (Chorus's INFO shows a status refreshed for the request, so it is not
/// quantised by the status interval); <see cref="VisibilityProbe"/> measures the delay end to end
/// for both systems (leader ack → value readable on the follower). Both cost the servers CPU: on
/// a 2-core machine the probe's polling and the 2 ms INFO samples are part of the load.
/// </para>
/// </summary>
public static class LagRun
{
    public static async Task<int> RunAsync(LoadOptions options)
    {
        var leaderPort = (int)options.Number("leader", 7379);
        var followers = options.Ports("followers");
        var rate = options.Number("rate", 10_000);
        var duration = TimeSpan.FromSeconds(options.Number("seconds", 10));
        var sampleMs = (int)options.Number("sample-ms", 2);
        var writer = new PacedWriter(leaderPort, rate, (int)options.Number("connections", 4), (int)options.Number("value-bytes", 16), (int)options.Number("keys", 100_000));

        using var leader = await RawRespClient.ConnectAsync(leaderPort);
        var replicas = new List<RawRespClient>();
        foreach (var port in followers)
        {
            replicas.Add(await RawRespClient.ConnectAsync(port));
        }
        var info = RawRespClient.Command("INFO", "replication");
        // --visible-only: servers whose INFO has no replica offsets (multi-leader sites are all
        // leaders) get the end-to-end probe alone.
        var offsets = !options.Flag("visible-only");
        var startOffset = offsets ? Offset(await leader.QueryAsync(info), "master_repl_offset") : 0;

        using var stop = new CancellationTokenSource();
        var clock = Stopwatch.StartNew();
        var writing = writer.RunAsync(duration, stop.Token);
        var probe = new VisibilityProbe(leaderPort, followers, TimeSpan.FromMilliseconds(5));
        var probing = probe.RunAsync(writing, TimeSpan.FromMilliseconds(1000));
        var history = new List<(double AtMs, long Offset)>();
        var lagMs = new List<double>();
        var lagOffsets = new List<long>();
        var warmupMs = 1000.0;
        while (offsets && !writing.IsCompleted)
        {
            var leaderTask = leader.QueryAsync(info);
            var replicaTasks = replicas.Select(r => r.QueryAsync(info)).ToArray();
            var nowMs = clock.Elapsed.TotalMilliseconds;
            var leaderOffset = Offset(await leaderTask, "master_repl_offset");
            history.Add((nowMs, leaderOffset));
            foreach (var task in replicaTasks)
            {
                var followerOffset = Offset(await task, "slave_repl_offset");
                if (nowMs < warmupMs)
                {
                    continue;
                }
                lagOffsets.Add(Math.Max(0, leaderOffset - followerOffset));
                lagMs.Add(AgeOfOldestMissingMs(history, followerOffset, nowMs));
            }
            await Task.Delay(sampleMs);
        }
        await writing;
        await probing;
        var elapsedS = clock.Elapsed.TotalSeconds;
        var endOffset = offsets ? Offset(await leader.QueryAsync(info), "master_repl_offset") : 0;
        var perWrite = writer.Written == 0 ? 1.0 : Math.Max(1.0, (double)(endOffset - startOffset) / writer.Written);
        Report(writer.Written / elapsedS, rate, lagMs, lagOffsets.Select(o => o / perWrite).ToList(), perWrite, probe.DelaysMs);
        foreach (var replica in replicas)
        {
            replica.Dispose();
        }
        return 0;
    }

    private static double AgeOfOldestMissingMs(List<(double AtMs, long Offset)> history, long followerOffset, double nowMs)
    {
        // Binary search for the first leader sample past the follower's offset.
        int lo = 0, hi = history.Count;
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (history[mid].Offset > followerOffset)
            {
                hi = mid;
            }
            else
            {
                lo = mid + 1;
            }
        }
        return lo == history.Count ? 0 : nowMs - history[lo].AtMs;
    }

    private static void Report(double achieved, long target, List<double> lagMs, List<double> lagEntries, double offsetPerWrite, List<double> visibleMs)
    {
        lagMs.Sort();
        lagEntries.Sort();
        visibleMs.Sort();
        static string P(List<double> s, double p) => Percentiles.Format(Percentiles.Of(s, p));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"target_ops={target} achieved_ops={achieved:0} samples={lagMs.Count} offset_per_write={offsetPerWrite:0.#} " +
            $"lag_ms_p50={P(lagMs, 50)} lag_ms_p99={P(lagMs, 99)} lag_ms_max={P(lagMs, 100)} " +
            $"lag_entries_p50={P(lagEntries, 50)} lag_entries_p99={P(lagEntries, 99)} lag_entries_max={P(lagEntries, 100)} " +
            $"probes={visibleMs.Count} visible_ms_p50={P(visibleMs, 50)} visible_ms_p99={P(visibleMs, 99)} visible_ms_max={P(visibleMs, 100)}"));
    }

    private static long Offset(string info, string field)
    {
        foreach (var line in info.Split('\n'))
        {
            if (line.StartsWith(field + ":", StringComparison.Ordinal))
            {
                return long.Parse(line[(field.Length + 1)..].Trim(), CultureInfo.InvariantCulture);
            }
        }
        throw new InvalidOperationException($"INFO has no {field}");
    }
}
