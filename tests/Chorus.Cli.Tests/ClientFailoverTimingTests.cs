using System.Diagnostics;
using System.Globalization;
using Chorus.Cli.Tests.Support;
using Chorus.Testing;

namespace Chorus.Cli.Tests;

/// <summary>
/// Issue 15, "Clients follow failovers": with each real client that can be installed here, the
/// time from kill -9 of the leader to the client's first successful write, through the client's
/// own Sentinel support pointed at Chorus's nodes (StackExchange.Redis is in
/// <see cref="StackExchangeFailoverTimelineTests"/>). The client runs as its own process (Debian's redis-py,
/// ioredis from npm) with a small driver script in Clients/; the time is printed and recorded in
/// docs/failover.md. What is asserted: the client does write again, to the new leader, and the
/// write is there.
/// </summary>
[Collection(ProcessClusters.Name)]
public sealed class ClientFailoverTimingTests(ITestOutputHelper output)
{
    [Fact]
    public Task Redis_py_through_sentinel_writes_again_after_the_leader_is_killed() =>
        MeasureAsync("pyredis", "/usr/bin/python3", "sentinel_writer.py", "redis-py");

    [Fact]
    public Task Ioredis_through_sentinel_writes_again_after_the_leader_is_killed() =>
        MeasureAsync("ioredis", "node", "sentinel-writer.js", "ioredis");

    private async Task MeasureAsync(string component, string runtime, string script, string client)
    {
        var root = Checkout.Root();
        using var setup = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        await DebianPackages.EnsureAsync(root, component, $"The failover timing test drives {client}", setup.Token);

        await using var cluster = await ProcessCluster.StartAsync(3, null, "--election-timeout-ms", "1000");
        var leader = await cluster.WaitForLeaderAsync(TimeSpan.FromSeconds(30));
        await cluster.WaitForFollowersAsync(2);

        var clients = Path.Combine(root, "tests", "Chorus.Cli.Tests", "Clients");
        var start = new ProcessStartInfo(runtime)
        {
            WorkingDirectory = clients,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // ioredis logs its sentinel queries, connections and failover handling here; its stderr is
        // shown only when the test fails, where that log is what tells why it did not write.
        start.Environment["DEBUG"] = "ioredis:*";
        start.ArgumentList.Add(Path.Combine(clients, script));
        start.ArgumentList.Add(string.Join(",", cluster.Members.Select(m => m.Port)));
        start.ArgumentList.Add("chorus");
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {runtime}");
        var errors = process.StandardError.ReadToEndAsync();
        try
        {
            Assert.Equal("ready", await ReadLineAsync(process, errors, TimeSpan.FromSeconds(60), $"{client} writes to the leader"));

            var clock = Stopwatch.StartNew();
            await process.StandardInput.WriteLineAsync("mark");
            await process.StandardInput.FlushAsync();
            await cluster.KillAsync(leader);
            var survivors = cluster.Members.Where(m => m.Id != leader).Select(m => m.Id).ToArray();
            var elected = Task.Run(async () =>
            {
                var newLeader = await cluster.WaitForLeaderAsync(TimeSpan.FromSeconds(60), survivors);
                return (newLeader, clock.Elapsed);
            });

            var line = await ReadLineAsync(process, errors, TimeSpan.FromSeconds(120), $"{client} writes again after the kill");
            var fields = line.Split(' ');
            Assert.True(fields is ["first-write-ms", _, "attempts", _], $"unexpected line from {client}: {line}");
            var firstWriteMs = double.Parse(fields[1], CultureInfo.InvariantCulture);
            var (newLeader, electionSeen) = await elected;
            output.WriteLine(
                $"{client}: killed {leader}; {newLeader} seen leading {electionSeen.TotalMilliseconds:0} ms after the kill (polled); " +
                $"first successful write {firstWriteMs:0} ms after the kill, {fields[3]} attempts");
            Assert.Equal("after", (await cluster.CommandAsync(newLeader, "GET", "after")).AsString());
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
            await process.WaitForExitAsync();
        }
    }

    /// <summary>The last lines of a client's stderr: with its debug log on, the whole of it would bury the message.</summary>
    private static string Tail(string text, int lines = 200) => string.Join('\n', text.Split('\n').TakeLast(lines));

    private static async Task<string> ReadLineAsync(Process process, Task<string> errors, TimeSpan timeout, string what)
    {
        using var deadline = new CancellationTokenSource(timeout);
        string? line;
        try
        {
            line = await process.StandardOutput.ReadLineAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            var log = await errors;
            var saved = Path.Combine(Path.GetTempPath(), $"chorus-failover-client-{Environment.ProcessId}-{Stopwatch.GetTimestamp()}.log");
            await File.WriteAllTextAsync(saved, log);
            throw new TimeoutException($"{what}: no answer within {timeout.TotalSeconds:0} s; its whole log is in {saved}; the end of it:\n{Tail(log)}");
        }
        if (line is null)
        {
            await process.WaitForExitAsync();
            throw new InvalidOperationException($"{what}: the client exited ({process.ExitCode}); the end of its errors and log:\n{Tail(await errors)}");
        }
        return line.Trim();
    }
}
