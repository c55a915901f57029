using System.Diagnostics;

namespace Chorus.Benchmarks.Load;

/// <summary>
/// Writes SETs of random keys at a target rate over a few pipelined connections: every
/// millisecond each connection sends what it owes against the schedule (up to a cap).
/// Every SET writes a value of its own (the connection and a counter, padded to the value size):
/// Chorus logs nothing for a SET that leaves a key's value as it was, so a constant value would
/// stop being replicated once every key had it, and the lag measured would be that of an idle
/// stream (Redis replicates every SET either way).
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
                request.Write(RawRespClient.Command("SET", $"key:{random.Next(keySpace):D12}", ValueOf(index, sent + i)));
            }
            await client.SendAsync(request.GetBuffer().AsMemory(0, (int)request.Length), cancellationToken);
            await client.ReadRepliesAsync(burst, cancellationToken);
            sent += burst;
            Interlocked.Add(ref _written, burst);
        }
    }

    /// <summary>A value no earlier SET of this run wrote: "connection:counter", padded with 'v' to the value size.</summary>
    private string ValueOf(int connection, long counter)
    {
        var unique = $"{connection}:{counter}";
        return unique.Length >= valueBytes ? unique : unique.PadRight(valueBytes, 'v');
    }
}
