using Chorus.Cli.Tests.Support;
using StackExchange.Redis;

namespace Chorus.Cli.Tests;

/// <summary>
/// Issue 15, pub/sub: "a message published on any node reaches subscribers on every node (as
/// Redis replicas do)" (docs/pubsub.md, "Every node hears a PUBLISH"). Real processes: one
/// subscriber on each node, publishers on a follower and on the leader.
/// </summary>
[Collection(ProcessClusters.Name)]
public sealed class PubSubAcrossNodesTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_message_published_on_any_node_reaches_subscribers_on_every_node_in_order_and_after_its_publishers_writes()
    {
        // A long election timeout: n3 hears nothing while its link is held, and must not campaign.
        await using var cluster = await ProcessCluster.StartAsync(3, null, "--fault-commands", "true", "--election-timeout-ms", "10000");
        Assert.Equal("n1", await cluster.WaitForLeaderAsync(Deadline));
        await cluster.WaitForFollowersAsync(2);
        await using var atLeader = await cluster.ConnectAsync("n1");
        await using var atB = await cluster.ConnectAsync("n2");
        await using var atA = await cluster.ConnectAsync("n3");
        var heardAtLeader = await atLeader.GetSubscriber().SubscribeAsync(RedisChannel.Literal("news"));
        var heardAtB = await atB.GetSubscriber().SubscribeAsync(RedisChannel.Pattern("ne*"));
        var heardAtA = await atA.GetSubscriber().SubscribeAsync(RedisChannel.Literal("news"));

        // Published on follower n2: its reply counts n2's own receivers (the pattern), and every node hears it, in order.
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(1, (await cluster.CommandAsync("n2", "PUBLISH", "news", $"from-n2-{i}")).Integer);
        }
        // Published on the leader.
        Assert.Equal(1, (await cluster.CommandAsync("n1", "PUBLISH", "news", "from-n1")).Integer);
        // Each publisher's messages arrive in its order; messages of different publishers have no common order.
        string[] fromN2 = [.. Enumerable.Range(0, 20).Select(i => $"from-n2-{i}")];
        foreach (var heard in new[] { heardAtA, heardAtLeader, heardAtB })
        {
            var messages = await ReadAsync(heard, fromN2.Length + 1);
            Assert.Equal(fromN2, messages.Where(m => m.StartsWith("from-n2-", StringComparison.Ordinal)));
            Assert.Contains("from-n1", messages);
        }

        // A message never overtakes its publisher's writes: n3 lags (its link held), n2 writes and
        // publishes; n3 delivers the message only once it has applied the write.
        Assert.Equal("OK", (await cluster.CommandAsync("n3", "CHORUS.FAULT", "LINK", "PAUSE")).AsString());
        Assert.Equal("OK", (await cluster.CommandAsync("n2", "SET", "news:latest", "v1")).AsString());
        Assert.Equal(1, (await cluster.CommandAsync("n2", "PUBLISH", "news", "see news:latest")).Integer);
        Assert.Equal(["see news:latest"], await ReadAsync(heardAtLeader, 1));
        using (var held = new CancellationTokenSource(TimeSpan.FromSeconds(1)))
        {
            // Well within the relay's wait for the log (5 s): had it arrived, it would be here.
            await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await heardAtA.ReadAsync(held.Token));
        }
        Assert.True((await cluster.CommandAsync("n3", "GET", "news:latest")).IsNull, "n3 lags: it has not applied the write");
        Assert.True((await cluster.CommandAsync("n3", "CHORUS.FAULT", "LINK", "RESUME")).Integer >= 0);
        Assert.Equal(["see news:latest"], await ReadAsync(heardAtA, 1));
        Assert.Equal("v1", (await cluster.CommandAsync("n3", "GET", "news:latest")).AsString());
        var stats = await cluster.InfoAsync("n2", "stats");
        Assert.Equal("42", stats["chorus_pubsub_peer_sent"]); // 21 messages, each to 2 peers
        Assert.Equal("0", stats["chorus_pubsub_peer_dropped"]);
    }

    private static async Task<string[]> ReadAsync(ChannelMessageQueue queue, int count)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(Deadline);
        var messages = new List<string>();
        while (messages.Count < count)
        {
            messages.Add((await queue.ReadAsync(timeout.Token)).Message!);
        }
        return [.. messages];
    }
}
