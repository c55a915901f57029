using System.Diagnostics;
using System.Globalization;

namespace Chorus.Benchmarks.Load;

/// <summary>
/// <c>ops --ports P[,P…] --op get|set|incr|write-read [--connections 50] [--requests 20000]
/// [--setup "CMD ARGS;CMD ARGS"] [--prefix "CHORUS.READ strong"] [--keys 100000] [--key-prefix key:]
/// [--value-bytes 16] [--warmup 20] [--sequential]</c>: closed-loop requests, one outstanding per connection, each timed from send
/// to reply; connection i talks to port i mod |ports| (reads spread over nodes).
/// <para>
/// redis-benchmark cannot send a command once per connection before its load, so it cannot put a
/// connection under a read guarantee (<c>CHORUS.CONSISTENCY</c>) or a quorum
/// (<c>CHORUS.QUORUM</c>): <c>--setup</c> does that; <c>--prefix</c> puts words before every
/// request (a per-request level: <c>CHORUS.READ strong GET k</c>).
/// </para>
/// <para>
/// <c>get</c> reads random keys (<c>key:%012d</c>, as redis-benchmark's <c>key:__rand_int__</c>);
/// <c>set</c> writes a new value each time (every SET is a real write); <c>incr</c> increments;
/// <c>write-read</c> writes a
/// key of its own (<c>key:c&lt;connection&gt;:%012d</c>) and then reads it back on the same connection, times only the read, and counts the reads
/// that answered without the value just written (<c>stale</c>; error replies count as errors): what read-your-writes prevents.
/// The first <c>--warmup</c> requests of each connection are not timed. <c>--sequential</c>
/// walks the keys in order instead (a preload: <c>--op set --sequential --requests K --keys K</c>
/// writes each key once, at most one request per connection in flight — a single huge pipeline
/// makes a leaderless coordinator time its quorums out).
/// </para>
/// </summary>
public static class OpsRun
{
    public static async Task<int> RunAsync(LoadOptions options)
    {
        var ports = options.Ports("ports");
        if (ports.Length == 0)
        {
            ports = [(int)options.Number("port", 7379)];
        }
        var op = options.Text("op", "get");
        if (op is not ("get" or "set" or "incr" or "write-read"))
        {
            Console.Error.WriteLine($"ops: unknown --op '{op}' (get, set, incr or write-read)");
            return 2;
        }
        var connections = (int)options.Number("connections", 50);
        var perConnection = (int)(options.Number("requests", 20_000) / connections);
        var warmup = (int)options.Number("warmup", 20);
        var keys = (int)options.Number("keys", 100_000);
        var valueBytes = (int)options.Number("value-bytes", 16);
        var keyPrefix = options.Text("key-prefix", "key:");
        var sequential = options.Flag("sequential");
        var setup = options.Text("setup", "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(c => RawRespClient.Command(c.Split(' ', StringSplitOptions.RemoveEmptyEntries))).ToList();
        var prefix = options.Text("prefix", "").Split(' ', StringSplitOptions.RemoveEmptyEntries);

        var clients = new List<RawRespClient>();
        foreach (var i in Enumerable.Range(0, connections))
        {
            var client = await RawRespClient.ConnectAsync(ports[i % ports.Length]);
            clients.Add(client);
            foreach (var command in setup)
            {
                var reply = await client.QueryAsync(command);
                if (reply.StartsWith('-'))
                {
                    Console.Error.WriteLine($"ops: setup on port {ports[i % ports.Length]} failed: {reply.Trim()}");
                    return 1;
                }
            }
        }

        var ready = new TaskCompletionSource();
        var running = Enumerable.Range(0, connections).Select(i => Task.Run(() => RunConnectionAsync(i))).ToArray();
        var clock = Stopwatch.StartNew();
        ready.SetResult();
        var results = await Task.WhenAll(running);
        var elapsedS = clock.Elapsed.TotalSeconds;
        clients.ForEach(c => c.Dispose());

        var latencies = results.SelectMany(r => r.Latencies).ToList();
        latencies.Sort();
        var errors = clients.Sum(c => c.Errors);
        var stale = results.Sum(r => r.Stale);
        var lastError = errors > 0 ? " last_error=" + clients.First(c => c.LastError is not null).LastError!.Replace(' ', '_') : "";
        // Throughput counts every request sent (a write-read iteration is two), warm-up included,
        // over the whole run; latency percentiles are over the timed requests only.
        var sent = (long)connections * perConnection * (op == "write-read" ? 2 : 1);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"op={op} timed={latencies.Count} ops={sent / elapsedS:0} p50_ms={Percentiles.Format(Percentiles.Of(latencies, 50))} " +
            $"p99_ms={Percentiles.Format(Percentiles.Of(latencies, 99))} max_ms={Percentiles.Format(Percentiles.Of(latencies, 100))} " +
            $"stale={stale} errors={errors}{lastError}"));
        return errors > 0 ? 1 : 0;

        async Task<(List<double> Latencies, long Stale)> RunConnectionAsync(int index)
        {
            await ready.Task;
            var client = clients[index];
            var random = new Random(index + 1);
            var latencies = new List<double>(perConnection);
            long stale = 0;
            var padding = new string('v', Math.Max(0, valueBytes));
            for (var i = 0; i < perConnection; i++)
            {
                var key = $"{keyPrefix}{(sequential ? ((long)i * connections + index) % keys : random.Next(keys)):D12}";
                var value = $"{index}-{i}-{padding}"[..Math.Max(valueBytes, $"{index}-{i}-".Length)];
                long start;
                switch (op)
                {
                    case "set":
                        start = Stopwatch.GetTimestamp();
                        await client.SendAsync(RawRespClient.Command("SET", key, value));
                        await client.ReadRepliesAsync(1);
                        break;
                    case "incr":
                        start = Stopwatch.GetTimestamp();
                        await client.SendAsync(RawRespClient.Command("INCR", key));
                        await client.ReadRepliesAsync(1);
                        break;
                    case "get":
                        start = Stopwatch.GetTimestamp();
                        await client.SendAsync(RawRespClient.Command([.. prefix, "GET", key]));
                        await client.ReadRepliesAsync(1);
                        break;
                    default:
                        // A key of this connection's own: another connection's SET of the same
                        // key between this SET and GET would look like a stale read.
                        key = $"{keyPrefix}c{index}:{random.Next(keys):D12}";
                        await client.SendAsync(RawRespClient.Command("SET", key, value));
                        await client.ReadRepliesAsync(1);
                        start = Stopwatch.GetTimestamp();
                        var reply = await client.QueryAsync(RawRespClient.Command([.. prefix, "GET", key]));
                        if (!reply.StartsWith('-') && !reply.Contains("\r\n" + value + "\r\n", StringComparison.Ordinal))
                        {
                            stale++;
                        }
                        break;
                }
                if (i >= warmup)
                {
                    latencies.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                }
            }
            return (latencies, stale);
        }
    }
}
