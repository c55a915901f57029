using System.Diagnostics;
using System.Globalization;

namespace Chorus.Benchmarks.Load;

/// <summary>
/// <c>ack --port P [--connections 50] [--requests 20000] [--wait N] [--value-bytes 16]</c>:
/// closed-loop SETs of random keys, one outstanding request per connection, each timed from
/// send to reply. With <c>--wait N</c> every SET is followed by <c>WAIT N 0</c> in the same
/// pipeline and timed to the WAIT's reply: what a Redis client does to wait for replicas.
/// </summary>
public static class AckLatencyRun
{
    public static async Task<int> RunAsync(LoadOptions options)
    {
        var port = (int)options.Number("port", 7379);
        var connections = (int)options.Number("connections", 50);
        var requests = options.Number("requests", 20_000);
        var wait = options.Number("wait", 0);
        var value = new string('v', (int)options.Number("value-bytes", 16));
        var keys = (int)options.Number("keys", 100_000);
        var perConnection = requests / connections;
        var waitCommand = wait > 0 ? RawRespClient.Command("WAIT", wait.ToString(CultureInfo.InvariantCulture), "0") : [];

        var clock = Stopwatch.StartNew();
        var results = await Task.WhenAll(Enumerable.Range(0, connections).Select(i => RunConnectionAsync(i)));
        var elapsedS = clock.Elapsed.TotalSeconds;
        var latencies = results.SelectMany(r => r.Latencies).ToList();
        latencies.Sort();
        var errors = results.Sum(r => r.Errors);
        var lastError = errors > 0 ? " last_error=" + results.First(r => r.LastError is not null).LastError!.Replace(' ', '_') : "";
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"requests={latencies.Count} ops={latencies.Count / elapsedS:0} p50_ms={Percentiles.Format(Percentiles.Of(latencies, 50))} " +
            $"p99_ms={Percentiles.Format(Percentiles.Of(latencies, 99))} max_ms={Percentiles.Format(Percentiles.Of(latencies, 100))} errors={errors}{lastError}"));
        return errors > 0 ? 1 : 0;

        async Task<(List<double> Latencies, long Errors, string? LastError)> RunConnectionAsync(int index)
        {
            using var client = await RawRespClient.ConnectAsync(port);
            var random = new Random(index + 1);
            var latencies = new List<double>((int)perConnection);
            var replies = wait > 0 ? 2 : 1;
            for (var i = 0; i < perConnection; i++)
            {
                var request = RawRespClient.Command("SET", $"key:{random.Next(keys):D12}", value);
                var start = Stopwatch.GetTimestamp();
                await client.SendAsync(wait > 0 ? [.. request, .. waitCommand] : request);
                await client.ReadRepliesAsync(replies);
                latencies.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            }
            return (latencies, client.Errors, client.LastError);
        }
    }
}
