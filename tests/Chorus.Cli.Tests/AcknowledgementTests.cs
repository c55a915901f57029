using System.Diagnostics;
using Chorus.Cli.Tests.Support;
using Chorus.Client;

namespace Chorus.Cli.Tests;

/// <summary>
/// Semi-synchronous replication with real processes: paused followers (SIGSTOP), timeouts that
/// fail or degrade exactly as configured, and acknowledged writes that are on a follower's disk.
/// </summary>
[Collection(ProcessClusters.Name)]
public sealed class AcknowledgementTests(ITestOutputHelper output)
{
    private const int TimeoutMs = 1000;

    [Fact]
    public async Task Semi_sync_any_1_keeps_writing_with_one_follower_paused_and_fails_within_the_timeout_with_both()
    {
        // The leader's lease (the election timeout) outlasts the ack timeout, so what the client
        // sees is the acknowledgement policy at work, not the leader stepping down.
        await using var cluster = await ProcessCluster.StartAsync(3, null, "--ack", "semi-sync any 1", "--ack-timeout-ms", "1000", "--ack-on-timeout", "fail", "--election-timeout-ms", "6000");
        await using var client = await RespConnection.ConnectAsync("127.0.0.1", cluster["n1"].Port, TimeSpan.FromSeconds(5), CancellationToken.None);

        cluster.Pause("n3");
        for (var i = 0; i < 50; i++)
        {
            var (reply, elapsed) = await TimedAsync(() => client.CommandAsync(CancellationToken.None, "SET", $"one-paused:{i}", "v"));
            Assert.Equal("OK", reply.AsString());
            Assert.True(elapsed < TimeSpan.FromMilliseconds(TimeoutMs), $"write {i} took {elapsed.TotalMilliseconds} ms with one follower still up");
        }

        cluster.Pause("n2");
        var (failed, waited) = await TimedAsync(() => client.CommandAsync(CancellationToken.None, "SET", "both-paused", "v"));
        output.WriteLine($"with both followers paused: {failed} after {waited.TotalMilliseconds:0} ms");
        Assert.True(failed.IsError);
        Assert.StartsWith("NOREPLICAS", failed.AsString());
        Assert.InRange(waited.TotalMilliseconds, TimeoutMs * 0.9, TimeoutMs + 1_000);

        cluster.Resume("n2");
        cluster.Resume("n3");
        await ProcessCluster.Eventually(async () => (await client.CommandAsync(CancellationToken.None, "SET", "after", "v")).AsString() == "OK",
            TimeSpan.FromSeconds(20), "writes are acknowledged again");
    }

    [Fact]
    public async Task Under_degrade_writes_succeed_after_the_timeout_and_the_leader_recovers_on_its_own()
    {
        await using var cluster = await ProcessCluster.StartAsync(3, null, "--ack", "semi-sync any 1", "--ack-timeout-ms", "1000", "--election-timeout-ms", "6000");
        await using var client = await RespConnection.ConnectAsync("127.0.0.1", cluster["n1"].Port, TimeSpan.FromSeconds(5), CancellationToken.None);
        Assert.Equal("OK", (await client.CommandAsync(CancellationToken.None, "CONFIG", "SET", "chorus-ack-on-timeout", "degrade")).AsString());
        await cluster.WaitForReplicationAsync();
        Assert.Equal("degrade", (await cluster.CommandAsync("n3", "CONFIG", "GET", "chorus-ack-on-timeout")).Items![1].AsString());

        cluster.Pause("n2");
        cluster.Pause("n3");
        var (reply, waited) = await TimedAsync(() => client.CommandAsync(CancellationToken.None, "SET", "degraded", "v"));
        Assert.Equal("OK", reply.AsString());
        Assert.InRange(waited.TotalMilliseconds, TimeoutMs * 0.9, TimeoutMs + 1_000);
        var info = await cluster.InfoAsync("n1");
        Assert.Equal("degraded", info["chorus_ack_state"]);
        Assert.NotEqual("-1", info["chorus_ack_degraded_since_ms"]);
        var (fast, quick) = await TimedAsync(() => client.CommandAsync(CancellationToken.None, "SET", "while-degraded", "v"));
        Assert.Equal("OK", fast.AsString());
        Assert.True(quick < TimeSpan.FromMilliseconds(TimeoutMs / 2), "degraded writes are acknowledged as async");

        cluster.Resume("n2");
        cluster.Resume("n3");
        await ProcessCluster.Eventually(async () => (await cluster.InfoAsync("n1"))["chorus_ack_state"] == "ok",
            TimeSpan.FromSeconds(20), "the leader leaves the degraded state");
    }

    /// Semi-sync with flushed confirmations: no acknowledged write exists only on the leader.
    [Fact]
    public async Task Every_acknowledged_write_is_on_a_follower_after_the_leader_is_killed()
    {
        await using var cluster = await ProcessCluster.StartAsync(3, null, "--ack", "semi-sync any 1", "--ack-level", "flushed");
        var acknowledged = new List<string>();
        await using (var leader = await cluster.ConnectAsync("n1"))
        {
            var db = leader.GetDatabase();
            var writes = Enumerable.Range(0, 2_000).Select(async i => (Key: $"burst:{i}", Ok: await db.StringSetAsync($"burst:{i}", $"v{i}"))).ToArray();
            await Task.WhenAll(writes);
            acknowledged.AddRange(writes.Where(w => w.Result.Ok).Select(w => w.Result.Key));
        }
        await cluster.KillAsync("n1");
        await cluster.KillAsync("n2");
        await cluster.KillAsync("n3");
        cluster.Start("n2");
        cluster.Start("n3");

        var missing = new List<string>();
        foreach (var key in acknowledged)
        {
            var onN2 = await ReadAsync(cluster, "n2", key);
            var onN3 = onN2 is null ? await ReadAsync(cluster, "n3", key) : null;
            if (onN2 is null && onN3 is null)
            {
                missing.Add(key);
            }
        }
        output.WriteLine($"{acknowledged.Count} acknowledged writes, {missing.Count} missing on both followers");
        Assert.Equal(2_000, acknowledged.Count);
        Assert.Empty(missing);
    }

    private static async Task<string?> ReadAsync(ProcessCluster cluster, string node, string key)
    {
        string? value = null;
        await ProcessCluster.Eventually(async () =>
        {
            try
            {
                value = (await cluster.CommandAsync(node, "GET", key)).AsString();
                return true;
            }
            catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(30), $"{node} answers");
        return value;
    }

    private static async Task<(T Result, TimeSpan Elapsed)> TimedAsync<T>(Func<Task<T>> action)
    {
        var watch = Stopwatch.StartNew();
        var result = await action();
        return (result, watch.Elapsed);
    }
}
