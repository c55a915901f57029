using System.Diagnostics;

namespace Chorus.Benchmarks.Load;

/// <summary>
/// Writes SETs of random keys at a target rate over a few pipelined connections: every
/// millisecond each connection sends what it owes against the schedule (up to a cap).
/// </summary>
public sealed class PacedWriter(int port, long ratePerSecond, int connections, int valueBytes, int keySpace)
{
    private const int BurstMax = 512;
    private long _written;

    public long Written => Interlocked.Read(ref _written);

    public async Task RunAsync(TimeSpan duration, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var tasks = Enumerable.Range(0, connections).Select(i => RunConnectionAsync(i, clock, duration, cancellationToken));
        await Task.WhenAll(tasks);
    }

    private async Task RunConnectionAsync(int index, Stopwatch clock, TimeSpan duration, CancellationToken cancellationToken)
    {
        using var client = await RawRespClient.ConnectAsync(port, cancellationToken);
        var random = new Random(index + 1);
        var value = new string('v', valueBytes);
        var rate = (double)ratePerSecond / connections;
        long sent = 0;
        using var request = new MemoryStream();
        while (clock.Elapsed < duration && !cancellationToken.IsCancellationRequested)
        {
            var owed = (long)(clock.Elapsed.TotalSeconds * rate) - sent;
            if (owed <= 0)
            {
                await Task.Delay(1, cancellationToken);
                continue;
            }
            var burst = (int)Math.Min(owed, BurstMax);
            request.SetLength(0);
            for (var i = 0; i < burst; i++)
            {
                request.Write(RawRespClient.Command("SET", $"key:{random.Next(keySpace):D12}", value));
            }
            await client.SendAsync(request.GetBuffer().AsMemory(0, (int)request.Length), cancellationToken);
            await client.ReadRepliesAsync(burst, cancellationToken);
            sent += burst;
            Interlocked.Add(ref _written, burst);
        }
    }
}
