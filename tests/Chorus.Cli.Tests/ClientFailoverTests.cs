using System.Diagnostics;
using Chorus.Cli.Tests.Support;
using StackExchange.Redis;

namespace Chorus.Cli.Tests;

/// <summary>
/// Issue 15, "Clients do not follow a failover": StackExchange.Redis, configured with all three
/// endpoints, saw every node as a replica for ~51 s after kill -9 of the leader (until its
/// periodic configuration check). Every node now publishes on <c>__Booksleeve_MasterChanged</c>
/// when it learns of a new leader, and the client reconfigures at once.
/// </summary>
[Collection(ProcessClusters.Name)]
public sealed class ClientFailoverTests(ITestOutputHelper output)
{
    [Fact]
    public async Task StackExchange_redis_writes_again_soon_after_the_leader_is_killed()
    {
        await using var cluster = await ProcessCluster.StartAsync(3, null, "--election-timeout-ms", "1000");
        var leader = await cluster.WaitForLeaderAsync(TimeSpan.FromSeconds(30));
        await cluster.WaitForFollowersAsync(2);
        // The client's periodic configuration check is pushed out of the test's reach (10 min), so
        // only the published signal can make it find the new leader within the deadline below: no
        // timed bound is needed to tell the two apart.
        var options = new ConfigurationOptions { AbortOnConnectFail = false, ConnectTimeout = 5000, SyncTimeout = 5000, AsyncTimeout = 5000, ConfigCheckSeconds = 600 };
        foreach (var member in cluster.Members)
        {
            options.EndPoints.Add("127.0.0.1", member.Port);
        }
        await using var redis = await ConnectionMultiplexer.ConnectAsync(options);
        var db = redis.GetDatabase();
        await ProcessCluster.Eventually(async () => await TryWriteAsync(db, "before"), TimeSpan.FromSeconds(30), "the client writes to the leader");

        var clock = Stopwatch.StartNew();
        await cluster.KillAsync(leader);
        var refused = 0;
        await ProcessCluster.Eventually(async () =>
            {
                var written = await TryWriteAsync(db, "after");
                refused += written ? 0 : 1;
                return written;
            }, TimeSpan.FromSeconds(120), "a write succeeds after the leader was killed");
        var elapsed = clock.Elapsed;
        var newLeader = await cluster.WaitForLeaderAsync(TimeSpan.FromSeconds(30));
        output.WriteLine($"killed {leader}; {newLeader} leads; StackExchange.Redis wrote again {elapsed.TotalMilliseconds:0} ms after the kill ({refused} attempts refused meanwhile)");
        Assert.Equal("after", (string?)await db.StringGetAsync("after"));
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
