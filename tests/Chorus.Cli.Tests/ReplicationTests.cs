using Chorus.Cli.Tests.Support;
using Chorus.Client;

namespace Chorus.Cli.Tests;

/// <summary>
/// Three real node processes on loopback: what a client sees of asynchronous single-leader
/// replication. No test here disturbs a node, so they share one cluster, each with keys of its own.
/// </summary>
[Collection(ProcessClusters.Name)]
public sealed class ReplicationTests(SharedCluster shared) : IClassFixture<SharedCluster>
{
    private ProcessCluster Cluster => shared.Cluster;

    [Fact]
    public async Task Writes_to_the_leader_are_readable_on_both_followers()
    {
        var cluster = Cluster;
        await using var leader = await cluster.ConnectAsync("n1");
        await leader.GetDatabase().StringSetAsync("greeting", "hello");
        await leader.GetDatabase().HashSetAsync("user:1", [new("name", "ada"), new("lang", "en")]);

        await cluster.WaitForReplicationAsync();
        foreach (var follower in new[] { "n2", "n3" })
        {
            Assert.Equal("hello", (await cluster.CommandAsync(follower, "GET", "greeting")).AsString());
            Assert.Equal("ada", (await cluster.CommandAsync(follower, "HGET", "user:1", "name")).AsString());
        }
    }

    [Fact]
    public async Task A_write_sent_to_a_follower_is_forwarded_to_the_leader_and_visible_at_once()
    {
        var cluster = Cluster;

        var reply = await cluster.CommandAsync("n2", "SET", "forwarded", "yes");
        Assert.Equal("OK", reply.AsString());
        // The follower held its reply until the write was applied locally: read-your-writes there.
        Assert.Equal("yes", (await cluster.CommandAsync("n2", "GET", "forwarded")).AsString());
        Assert.Equal("yes", (await cluster.CommandAsync("n1", "GET", "forwarded")).AsString());
        Assert.Equal(3, (await cluster.CommandAsync("n3", "INCRBY", "forwarded:count", "3")).AsInteger());
        await cluster.WaitForReplicationAsync();
        Assert.Equal("3", (await cluster.CommandAsync("n2", "GET", "forwarded:count")).AsString());
    }

    /// Regression: chorus_forwarded_writes stayed 0 although forwarding worked.
    [Fact]
    public async Task A_follower_counts_the_writes_it_forwards()
    {
        var cluster = Cluster;

        // The cluster is shared, so count from what n2 had forwarded before (tests of a class run one at a time).
        var before = await ForwardedWritesAsync(cluster, "n2");
        Assert.Equal("OK", (await cluster.CommandAsync("n2", "SET", "counted:a", "1")).AsString());
        Assert.Equal("OK", (await cluster.CommandAsync("n2", "SET", "counted:b", "2")).AsString());

        Assert.Equal(before + 2, await ForwardedWritesAsync(cluster, "n2"));
        Assert.Equal("0", (await cluster.InfoAsync("n1", "stats"))["chorus_forwarded_writes"]);
    }

    /// <summary>SELECT is per connection: it must reach the leader with a forwarded write, and every node applies databases alike.</summary>
    [Fact]
    public async Task Databases_are_replicated_and_a_forwarded_write_lands_in_the_clients_database()
    {
        var cluster = Cluster;
        await using (var follower = await RespConnection.ConnectAsync("127.0.0.1", cluster["n2"].Port, TimeSpan.FromSeconds(5), CancellationToken.None))
        {
            Assert.Equal("OK", (await follower.CommandAsync(CancellationToken.None, "SELECT", "5")).AsString());
            Assert.Equal("OK", (await follower.CommandAsync(CancellationToken.None, "SET", "in-five", "yes")).AsString());
            Assert.Equal(1, (await follower.CommandAsync(CancellationToken.None, "SADD", "set-in-five", "m")).AsInteger());
            // Read-your-writes on the follower, in the database the write went to.
            Assert.Equal("yes", (await follower.CommandAsync(CancellationToken.None, "GET", "in-five")).AsString());
        }
        await using var leader = await cluster.ConnectAsync("n1");
        Assert.Equal("yes", (await leader.GetDatabase(5).StringGetAsync("in-five")).ToString());
        Assert.True((await leader.GetDatabase(0).StringGetAsync("in-five")).IsNull);
        Assert.Equal("OK", (await cluster.CommandAsync("n1", "SWAPDB", "5", "6")).AsString());
        await cluster.WaitForReplicationAsync();
        foreach (var node in new[] { "n1", "n2", "n3" })
        {
            await using var connection = await cluster.ConnectAsync(node);
            Assert.True(await connection.GetDatabase(6).SetContainsAsync("set-in-five", "m"));
            Assert.False(await connection.GetDatabase(5).KeyExistsAsync("in-five"));
        }
    }

    [Fact]
    public async Task Info_and_role_show_the_leader_and_its_followers_as_redis_does()
    {
        var cluster = Cluster;
        await cluster.CommandAsync("n1", "SET", "info:k", "v");
        await cluster.WaitForReplicationAsync();

        var info = await cluster.InfoAsync("n1");
        Assert.Equal("master", info["role"]);
        Assert.Equal("2", info["connected_slaves"]);
        Assert.Contains($"port={cluster["n2"].Port},state=online,offset={info["master_repl_offset"]}", info["slave0"] + info["slave1"]);

        var followerInfo = await cluster.InfoAsync("n3");
        Assert.Equal("slave", followerInfo["role"]);
        Assert.Equal("up", followerInfo["master_link_status"]);
        Assert.Equal(cluster["n1"].Port.ToString(System.Globalization.CultureInfo.InvariantCulture), followerInfo["master_port"]);

        var role = await cluster.CommandAsync("n1", "ROLE");
        Assert.Equal("master", role.Items![0].AsString());
        Assert.Equal(2, role.Items[2].Items!.Count);
    }

    private static async Task<long> ForwardedWritesAsync(ProcessCluster cluster, string id) =>
        long.Parse((await cluster.InfoAsync(id, "stats"))["chorus_forwarded_writes"], System.Globalization.CultureInfo.InvariantCulture);
}
