using System.Collections.Concurrent;
using System.Diagnostics;
using Chorus.Cli.Tests.Support;
using Chorus.Resp;
using StackExchange.Redis;

namespace Chorus.Cli.Tests;

/// <summary>
/// Issue 15, "Clients follow failovers": every node answers the Redis Sentinel API about its
/// cluster (the leader is the master named <c>chorus</c>), and publishes <c>+switch-master</c>
/// when the leader changes, so a Sentinel-aware client finds the leader through the nodes and
/// follows it after kill -9.
/// </summary>
[Collection(ProcessClusters.Name)]
public sealed class SentinelClientTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Every_node_answers_the_sentinel_api_with_the_leader_and_its_followers()
    {
        await using var cluster = await ProcessCluster.StartAsync(3, null, "--election-timeout-ms", "1000");
        var leader = await cluster.WaitForLeaderAsync(TimeSpan.FromSeconds(30));
        await cluster.WaitForFollowersAsync(2);
        foreach (var member in cluster.Members)
        {
            var address = await cluster.CommandAsync(member.Id, "SENTINEL", "get-master-addr-by-name", "chorus");
            Assert.Equal(["127.0.0.1", cluster[leader].Port.ToString()], address.Items!.Select(i => i.AsString()));
            Assert.True((await cluster.CommandAsync(member.Id, "SENTINEL", "get-master-addr-by-name", "other")).IsNull);

            var master = Fields(await cluster.CommandAsync(member.Id, "SENTINEL", "master", "chorus"));
            Assert.Equal(("chorus", "master", cluster[leader].Port.ToString(), "2"), (master["name"], master["flags"], master["port"], master["quorum"]));
            Assert.Equal("ERR No such master with that name", (await cluster.CommandAsync(member.Id, "SENTINEL", "replicas", "other")).AsString());

            // A follower knows its own address and the leader's (the leader tells it); the leader knows everyone's.
            var sentinels = (await cluster.CommandAsync(member.Id, "SENTINEL", "sentinels", "chorus")).Items!.Select(Fields).Select(s => s["port"]).ToList();
            Assert.DoesNotContain(member.Port.ToString(), sentinels);
            Assert.True(member.Id == leader || sentinels.Contains(cluster[leader].Port.ToString()), $"{member.Id} lists the leader among the sentinels");
        }
        var replicas = (await cluster.CommandAsync(leader, "SENTINEL", "replicas", "chorus")).Items!.Select(Fields).ToList();
        Assert.Equal(cluster.Members.Where(m => m.Id != leader).Select(m => m.Port.ToString()).Order(), replicas.Select(r => r["port"]).Order());
        Assert.All(replicas, r => Assert.Equal(("slave", "ok", cluster[leader].Port.ToString()), (r["flags"], r["master-link-status"], r["master-port"])));
        Assert.Equal("2", Fields(await cluster.CommandAsync(leader, "SENTINEL", "master", "chorus"))["num-slaves"]);
        Assert.Equal(2, (await cluster.CommandAsync(leader, "SENTINEL", "sentinels", "chorus")).Items!.Count);
        Assert.Single((await cluster.CommandAsync(leader, "SENTINEL", "masters")).Items!);
        Assert.Equal(2, (await cluster.CommandAsync(leader, "SENTINEL", "slaves", "chorus")).Items!.Count);
        Assert.StartsWith("ERR Chorus elects its own leader", (await cluster.CommandAsync(leader, "SENTINEL", "failover", "chorus")).AsString());
        Assert.StartsWith("ERR unknown subcommand 'nope'", (await cluster.CommandAsync(leader, "SENTINEL", "nope")).AsString());
        Assert.StartsWith("ERR wrong number of arguments for 'sentinel|master'", (await cluster.CommandAsync(leader, "SENTINEL", "master")).AsString());
    }

    /// <summary>
    /// StackExchange.Redis with a service name uses the nodes as sentinels: it asks them for the
    /// master, connects to it, and on losing it asks again (every second) and listens on
    /// +switch-master. The time from kill -9 to its first successful write is printed (and
    /// recorded in docs/failover.md); no bound is asserted on it.
    /// </summary>
    [Fact]
    public async Task A_sentinel_aware_client_finds_the_leader_and_follows_it_after_kill_9()
    {
        await using var cluster = await ProcessCluster.StartAsync(3, null, "--election-timeout-ms", "1000");
        var leader = await cluster.WaitForLeaderAsync(TimeSpan.FromSeconds(30));
        await cluster.WaitForFollowersAsync(2);
        var options = new ConfigurationOptions { ServiceName = "chorus", AbortOnConnectFail = false, ConnectTimeout = 5000, SyncTimeout = 5000, AsyncTimeout = 5000 };
        foreach (var member in cluster.Members)
        {
            options.EndPoints.Add("127.0.0.1", member.Port);
        }
        await using var redis = await ConnectionMultiplexer.ConnectAsync(options);
        var db = redis.GetDatabase();
        await ProcessCluster.Eventually(async () => await TryWriteAsync(db, "before"), TimeSpan.FromSeconds(30), "the client writes to the leader");
        Assert.Equal(cluster[leader].Port, (await db.IdentifyEndpointAsync() as System.Net.IPEndPoint)?.Port);

        // A plain subscriber on a node that survives hears Sentinel's announcement.
        var survivor = cluster.Members.First(m => m.Id != leader).Id;
        await using var listener = await cluster.ConnectAsync(survivor);
        var announcements = new ConcurrentQueue<(string Message, TimeSpan At)>();
        var clock = new Stopwatch();
        await listener.GetSubscriber().SubscribeAsync(RedisChannel.Literal("+switch-master"), (_, message) => announcements.Enqueue((message!, clock.Elapsed)));

        clock.Start();
        await cluster.KillAsync(leader);
        var (elapsed, attempts) = await FirstWriteAsync(db, clock, TimeSpan.FromSeconds(120));
        var newLeader = await cluster.WaitForLeaderAsync(TimeSpan.FromSeconds(30));
        Assert.Equal("after", (string?)await db.StringGetAsync("after"));
        await ProcessCluster.Eventually(() => Task.FromResult(!announcements.IsEmpty), TimeSpan.FromSeconds(30), "+switch-master is published");
        var (announcement, announcedAt) = announcements.First();
        Assert.Equal($"chorus 127.0.0.1 {cluster[leader].Port} 127.0.0.1 {cluster[newLeader].Port}", announcement);
        output.WriteLine($"killed {leader}; {newLeader} leads, announced by {survivor} {announcedAt.TotalMilliseconds:0} ms after the kill; " +
            $"the Sentinel-aware StackExchange.Redis wrote again {elapsed.TotalMilliseconds:0} ms after the kill ({attempts} writes started meanwhile, one every 100 ms)");
    }

    /// <summary>
    /// Starts a write every 100 ms (each waits out its own timeout) until one succeeds, so the time
    /// measured is when the client could first write, not when a write that began against the dead
    /// leader gave up; returns that time and how many writes were started.
    /// </summary>
    private static async Task<(TimeSpan Elapsed, int Attempts)> FirstWriteAsync(IDatabase db, Stopwatch clock, TimeSpan timeout)
    {
        var succeeded = new TaskCompletionSource<TimeSpan>(TaskCreationOptions.RunContinuationsAsynchronously);
        var attempts = new List<Task>();
        // A write rate, not a wait for a condition: the loop ends on the first success (or the deadline).
        using var pace = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
        while (!succeeded.Task.IsCompleted)
        {
            Assert.True(clock.Elapsed < timeout, $"no write succeeded within {timeout.TotalSeconds:0} s of the kill");
            attempts.Add(Task.Run(async () =>
            {
                if (await TryWriteAsync(db, "after"))
                {
                    succeeded.TrySetResult(clock.Elapsed);
                }
            }));
            await Task.WhenAny(succeeded.Task, pace.WaitForNextTickAsync().AsTask());
        }
        var elapsed = await succeeded.Task;
        await Task.WhenAll(attempts);
        return (elapsed, attempts.Count);
    }

    private static Dictionary<string, string> Fields(RespValue map)
    {
        var items = map.Items!;
        return Enumerable.Range(0, items.Count / 2).ToDictionary(i => items[2 * i].AsString()!, i => items[2 * i + 1].AsString()!);
    }

    private static async Task<bool> TryWriteAsync(IDatabase db, string value)
    {
        try
        {
            return await db.StringSetAsync(value, value);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            return false;
        }
    }
}
