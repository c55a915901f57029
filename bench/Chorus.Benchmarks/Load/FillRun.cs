using System.Diagnostics;
using System.Globalization;

namespace Chorus.Benchmarks.Load;

/// <summary>
/// <c>fill --port P --count N [--value-bytes 1024] [--pipeline 64] [--connections 4]</c>: SETs
/// keys <c>fill:0..N-1</c> to random, incompressible values (redis-benchmark's values are all
/// 'x' and would compress to nothing, so a "1 GB" snapshot would be a few MB).
/// </summary>
public static class FillRun
{
    public static async Task<int> RunAsync(LoadOptions options)
    {
        var port = (int)options.Number("port", 7379);
        var count = options.Number("count", 1_000_000);
        var valueBytes = (int)options.Number("value-bytes", 1024);
        var pipeline = (int)options.Number("pipeline", 64);
        var connections = (int)options.Number("connections", 4);
        var pool = new byte[4 << 20];
        new Random(20261124).NextBytes(pool);

        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, connections).Select(RunConnectionAsync));
        var elapsedS = clock.Elapsed.TotalSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"keys={count} value_bytes={valueBytes} seconds={elapsedS:0.0} ops={count / elapsedS:0} mb_per_s={count * (double)valueBytes / 1e6 / elapsedS:0.0}"));
        return 0;

        async Task RunConnectionAsync(int index)
        {
            using var client = await RawRespClient.ConnectAsync(port);
            var random = new Random(index);
            using var request = new MemoryStream();
            for (var first = (long)index * pipeline; first < count; first += (long)connections * pipeline)
            {
                request.SetLength(0);
                var last = Math.Min(count, first + pipeline);
                for (var key = first; key < last; key++)
                {
                    var value = pool.AsSpan(random.Next(pool.Length - valueBytes), valueBytes).ToArray();
                    request.Write(RawRespClient.Command("SET"u8.ToArray(), System.Text.Encoding.ASCII.GetBytes($"fill:{key:D10}"), value));
                }
                await client.SendAsync(request.GetBuffer().AsMemory(0, (int)request.Length));
                await client.ReadRepliesAsync((int)(last - first));
            }
        }
    }
}
