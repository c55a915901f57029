using Chorus.Cli.Tests.Support;
using StackExchange.Redis;

namespace Chorus.Cli.Tests;

/// <summary>
/// Issue 15, keyspace notifications are node-local as in Redis, where a replica fires events for
/// the commands it executes from the replication stream: a Chorus follower fires them for the log
/// entries it applies. The logical log carries row changes, not commands, so a follower names
/// each event by its change (docs/pubsub.md): INCR is "incrby" on the leader and "set" here.
/// </summary>
[Collection(ProcessClusters.Name)]
public sealed class KeyspaceNotificationReplicaTests
{
    [Fact]
    public async Task A_follower_announces_the_writes_it_applies()
    {
        await using var cluster = await ProcessCluster.StartAsync(3, null);
        var leader = await cluster.WaitForLeaderAsync(TimeSpan.FromSeconds(30));
        await cluster.WaitForFollowersAsync(2);
        var follower = cluster.Members.First(m => m.Id != leader).Id;
        Assert.Equal("OK", (await cluster.CommandAsync(follower, "CONFIG", "SET", "notify-keyspace-events", "KA")).AsString());
        Assert.Equal("AK", (await cluster.CommandAsync(follower, "CONFIG", "GET", "notify-keyspace-events")).Items![1].AsString());

        await using var listener = await cluster.ConnectAsync(follower);
        // A message queue keeps the order the node sent them in (handlers may run concurrently).
        var events = await listener.GetSubscriber().SubscribeAsync(RedisChannel.Pattern("__keyspace@0__:*"));
        await using var writer = await cluster.ConnectAsync(leader);
        var db = writer.GetDatabase();
        await db.HashSetAsync("h", "f", "v");
        await db.ListLeftPushAsync("l", "a");
        await db.StringIncrementAsync("n");
        await db.KeyDeleteAsync("h");
        await db.KeyExpireAsync("n", TimeSpan.FromMinutes(5));

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var seen = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            var message = await events.ReadAsync(timeout.Token);
            seen.Add($"{message.Channel} {message.Message}");
        }
        Assert.Equal(["__keyspace@0__:h hset", "__keyspace@0__:l lpush", "__keyspace@0__:n set", "__keyspace@0__:h del", "__keyspace@0__:n expire"], seen);
    }
}
