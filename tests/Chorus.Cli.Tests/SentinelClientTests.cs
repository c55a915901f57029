using Chorus.Cli.Tests.Support;
using Chorus.Resp;

namespace Chorus.Cli.Tests;

/// <summary>
/// Issue 15, "Clients follow failovers": every node answers the Redis Sentinel API about its
/// cluster (the leader is the master named <c>chorus</c>), and publishes <c>+switch-master</c>
/// when the leader changes, so a Sentinel-aware client finds the leader through the nodes and
/// follows it after kill -9 (<see cref="StackExchangeFailoverTimelineTests"/> kills the leader under
/// StackExchange.Redis's writes; <see cref="ClientFailoverTimingTests"/> under redis-py's and ioredis's).
/// </summary>
[Collection(ProcessClusters.Name)]
public sealed class SentinelClientTests
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

    private static Dictionary<string, string> Fields(RespValue map)
    {
        var items = map.Items!;
        return Enumerable.Range(0, items.Count / 2).ToDictionary(i => items[2 * i].AsString()!, i => items[2 * i + 1].AsString()!);
    }
}
