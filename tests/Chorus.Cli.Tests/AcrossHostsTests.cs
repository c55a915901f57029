using Chorus.Cli.Tests.Support;

namespace Chorus.Cli.Tests;

/// <summary>
/// Issue 17, across hosts: three nodes, each in a network namespace of its own with a real
/// address (not loopback), binding the wildcard address and announcing their own; clients come
/// from another address, so they must authenticate. A partition cuts the leader off from the
/// others (both ways, while the test still reaches every node): the others elect a leader, the
/// old one steps down, and after the partition heals every node holds the same data.
/// </summary>
[Collection(ProcessClusters.Name)]
public sealed class AcrossHostsTests(ITestOutputHelper output)
{
    private const string Password = "across-hosts-secret";

    [Fact]
    public async Task Nodes_on_their_own_addresses_replicate_fail_over_across_a_partition_and_converge_after_it_heals()
    {
        var (network, why) = await NetworkNamespaces.TryCreateAsync(3);
        if (network is null)
        {
            Assert.Skip($"this machine does not allow network namespaces, which the test needs (root, iproute2 from scripts/install-deps.sh netns): {why}");
        }
        await using var namespaces = network;
        await using var cluster = await ProcessCluster.StartInNamespacesAsync(network, Password, "--election-timeout-ms", "2000");

        // What the leader tells clients about its followers is their announced addresses.
        var followers = (await cluster.CommandAsync("n1", "ROLE")).Items![2].Items!.Select(f => f.Items![0].AsString()).Order().ToArray();
        Assert.Equal([network.Address(2), network.Address(3)], followers);

        for (var i = 0; i < 100; i++)
        {
            Assert.Equal("OK", (await cluster.CommandAsync("n1", "SET", $"before:{i}", "v")).AsString());
        }
        await cluster.WaitForReplicationAsync();
        Assert.Equal("v", (await cluster.CommandAsync("n3", "GET", "before:99")).AsString());

        await network.IsolateAsync(1);
        var leader = await cluster.WaitForLeaderAsync(TimeSpan.FromSeconds(60), "n2", "n3");
        output.WriteLine($"n1 isolated; {leader} leads");
        await ProcessCluster.Eventually(async () => (await cluster.InfoAsync("n1"))["chorus_role"] != "leader",
            TimeSpan.FromSeconds(30), "the isolated old leader steps down");
        for (var i = 0; i < 100; i++)
        {
            Assert.Equal("OK", (await cluster.CommandAsync(leader, "SET", $"during:{i}", "v")).AsString());
        }

        await network.HealAsync(1);
        await cluster.WaitForFollowersAsync(2);
        await cluster.WaitForReplicationAsync();
        await cluster.AssertConvergedAsync(leader, "n1", TimeSpan.FromSeconds(60));
        Assert.Equal("v", (await cluster.CommandAsync("n1", "GET", "during:99")).AsString());

        // Latency between hosts: replication goes on, only slower.
        if (await network.TryAddLatencyAsync(1, 50))
        {
            var started = DateTime.UtcNow;
            Assert.Equal("OK", (await cluster.CommandAsync(leader, "SET", "slow-link", "v")).AsString());
            await cluster.WaitForReplicationAsync();
            output.WriteLine($"with 50 ms added on n1's link, a write reached every node in {(DateTime.UtcNow - started).TotalMilliseconds:0} ms");
            Assert.Equal("v", (await cluster.CommandAsync("n1", "GET", "slow-link")).AsString());
        }
        else
        {
            output.WriteLine("this kernel has no netem queueing discipline (CONFIG_NET_SCH_NETEM), so added latency was not tried");
        }
    }
}
