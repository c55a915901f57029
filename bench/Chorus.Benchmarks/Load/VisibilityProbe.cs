using System.Diagnostics;
using System.Globalization;

namespace Chorus.Benchmarks.Load;

/// <summary>
/// End-to-end replication delay, independent of how a server reports offsets: write a probe
/// key on the leader, then read it on each follower in a tight loop until the new value shows;
/// the delay is from the leader's acknowledgement to the value being visible on the follower.
/// </summary>
public sealed class VisibilityProbe(int leaderPort, int[] followerPorts, TimeSpan interval)
{
    private static readonly byte[] ProbeKey = "__bench_lag_probe"u8.ToArray();

    public List<double> DelaysMs { get; } = [];

    public async Task RunAsync(Task until, TimeSpan warmup)
    {
        using var leader = await RawRespClient.ConnectAsync(leaderPort);
        var followers = new List<RawRespClient>();
        foreach (var port in followerPorts)
        {
            followers.Add(await RawRespClient.ConnectAsync(port));
        }
        var clock = Stopwatch.StartNew();
        var get = RawRespClient.Command("GET"u8.ToArray(), ProbeKey);
        for (long seq = 1; !until.IsCompleted; seq++)
        {
            var value = seq.ToString(CultureInfo.InvariantCulture);
            await leader.QueryAsync(RawRespClient.Command("SET"u8.ToArray(), ProbeKey, System.Text.Encoding.ASCII.GetBytes(value)));
            var acked = Stopwatch.GetTimestamp();
            var expected = $"${value.Length}\r\n{value}\r\n";
            var delays = await Task.WhenAll(followers.Select(f => WaitVisibleAsync(f, get, expected, acked)));
            if (clock.Elapsed > warmup)
            {
                DelaysMs.AddRange(delays);
            }
            await Task.Delay(interval);
        }
        foreach (var follower in followers)
        {
            follower.Dispose();
        }
    }

    private static async Task<double> WaitVisibleAsync(RawRespClient follower, byte[] get, string expected, long acked)
    {
        while (await follower.QueryAsync(get) != expected)
        {
            if (Stopwatch.GetElapsedTime(acked) > TimeSpan.FromSeconds(10))
            {
                break;
            }
        }
        return Stopwatch.GetElapsedTime(acked).TotalMilliseconds;
    }
}
