using System.Diagnostics;
using Chorus.Cli.Tests.Support;
using Chorus.Client;

namespace Chorus.Cli.Tests;

/// <summary>WAIT numreplicas timeout, with Redis's replies in Redis's situations.</summary>
[Collection(ProcessClusters.Name)]
public sealed class WaitTests
{
    [Fact]
    public async Task Wait_counts_the_followers_that_hold_this_clients_writes()
    {
        await using var cluster = await ProcessCluster.StartAsync();
        await using var client = await RespConnection.ConnectAsync("127.0.0.1", cluster["n1"].Port, TimeSpan.FromSeconds(5), CancellationToken.None);
        async Task<long> Wait(string replicas, string timeout) => (await client.CommandAsync(CancellationToken.None, "WAIT", replicas, timeout)).AsInteger();

        // No writes yet: every connected replica already has them, so WAIT answers at once.
        Assert.Equal(2, await Wait("0", "0"));
        Assert.Equal(2, await Wait("1", "0"));

        await client.CommandAsync(CancellationToken.None, "SET", "k", "v");
        Assert.Equal(2, await Wait("2", "5000"));

        // Asking for more replicas than exist waits out the timeout, then reports how many have it.
        var watch = Stopwatch.StartNew();
        Assert.Equal(2, await Wait("3", "300"));
        Assert.InRange(watch.ElapsedMilliseconds, 280, 3_000);

        cluster.Pause("n3");
        await client.CommandAsync(CancellationToken.None, "SET", "k", "v2");
        Assert.Equal(1, await Wait("2", "500"));
        cluster.Resume("n3");
        Assert.Equal(2, await Wait("2", "10000"));
    }

    [Fact]
    public async Task Wait_rejects_what_redis_rejects()
    {
        await using var cluster = await ProcessCluster.StartAsync(2);
        var negative = await cluster.CommandAsync("n1", "WAIT", "1", "-1");
        Assert.Equal("ERR timeout is negative", negative.AsString());
        var notNumber = await cluster.CommandAsync("n1", "WAIT", "x", "0");
        Assert.Equal("ERR value is not an integer or out of range", notNumber.AsString());
        var onFollower = await cluster.CommandAsync("n2", "WAIT", "1", "0");
        Assert.StartsWith("ERR WAIT cannot be used with replica instances", onFollower.AsString());
        var arity = await cluster.CommandAsync("n1", "WAIT", "1");
        Assert.Equal("ERR wrong number of arguments for 'wait' command", arity.AsString());
    }
}
