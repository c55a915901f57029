using System.Globalization;
using Chorus.Cli.Tests.Support;
using Chorus.Client;

namespace Chorus.Cli.Tests;

/// <summary>
/// DDIA ch. 6, "Rebalancing partitions", with real `chorus serve` processes: a fifth node joins a
/// leaderless ring of four (started with --join, added with CHORUS.RING ADD) while a client keeps
/// writing, and then another node leaves (CHORUS.RING REMOVE) and is stopped once its ranges are
/// handed over. Every acknowledged write stays readable. The protocol itself is covered by the
/// simulator (MembershipChangeTests); this proves the IO shell: addresses, peer admission, gossip.
/// </summary>
[Collection(ProcessClusters.Name)]
public sealed class LeaderlessMembershipTests(ITestOutputHelper output)
{
    private static readonly string[] Patient = ["--Leaderless:RequestTimeoutMs=5000", "--Leaderless:PeerDownAfterMs=2000"];

    [Fact]
    public async Task A_node_joins_and_another_leaves_while_a_client_writes_and_every_acknowledged_write_stays_readable()
    {
        await using var cluster = await ProcessCluster.StartLeaderlessAsync(4, ["--n", "3", "--w", "2", "--r", "2", .. Patient]);
        var joiner = cluster.AddMember();
        cluster.NodeArguments[joiner.Id] = ["--join", "true"];
        cluster.Start(joiner.Id);

        using var stop = new CancellationTokenSource();
        var acknowledged = new List<int>();
        var writer = Task.Run(async () =>
        {
            await using var client = await RespConnection.ConnectAsync("127.0.0.1", cluster["n1"].Port, TimeSpan.FromSeconds(5), CancellationToken.None);
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                if (!(await client.CommandAsync(CancellationToken.None, "SET", Key(i), Value(i))).IsError)
                {
                    lock (acknowledged)
                    {
                        acknowledged.Add(i);
                    }
                }
            }
        }, TestContext.Current.CancellationToken);
        await WaitForWritesAsync(acknowledged, 100);

        var added = await cluster.CommandAsync("n1", "CHORUS.RING", "ADD", joiner.Id, $"127.0.0.1:{joiner.PeerPort}", $"127.0.0.1:{joiner.Port}");
        Assert.Equal("OK", added.AsString());
        await WaitForHandoverAsync(cluster, ["n1", "n2", "n3", "n4", joiner.Id], version: 2);
        var info = await cluster.InfoAsync(joiner.Id);
        output.WriteLine($"{joiner.Id} streamed {info["leaderless_keys_streamed"]} keys in {info["leaderless_ranges_streamed"]} ranges");
        Assert.True(long.Parse(info["leaderless_keys_streamed"], CultureInfo.InvariantCulture) > 0);
        var duringJoin = Count(acknowledged);

        Assert.Equal("OK", (await cluster.CommandAsync("n3", "CHORUS.RING", "REMOVE", "n2")).AsString());
        await WaitForHandoverAsync(cluster, ["n1", "n2", "n3", "n4", joiner.Id], version: 3);
        Assert.Equal("0", (await cluster.InfoAsync("n2"))["leaderless_ring_member"]);
        await cluster.StopAsync("n2");
        await WaitForWritesAsync(acknowledged, Count(acknowledged) + 50);
        await stop.CancelAsync();
        await writer;
        output.WriteLine($"{Count(acknowledged)} writes acknowledged ({duringJoin} by the end of the join)");

        await using var reader = await RespConnection.ConnectAsync("127.0.0.1", cluster[joiner.Id].Port, TimeSpan.FromSeconds(5), CancellationToken.None);
        foreach (var i in acknowledged)
        {
            Assert.Equal(Value(i), (await reader.CommandAsync(CancellationToken.None, "GET", Key(i))).AsString());
        }
    }

    private static int Count(List<int> acknowledged)
    {
        lock (acknowledged)
        {
            return acknowledged.Count;
        }
    }

    private static Task WaitForWritesAsync(List<int> acknowledged, int count) =>
        ProcessCluster.Eventually(() => Task.FromResult(Count(acknowledged) >= count), TimeSpan.FromSeconds(60), $"{count} writes acknowledged");

    /// <summary>Every node runs ring <paramref name="version"/> and waits for no handover.</summary>
    private static Task WaitForHandoverAsync(ProcessCluster cluster, string[] nodes, long version) =>
        ProcessCluster.Eventually(async () =>
        {
            foreach (var node in nodes)
            {
                var info = await cluster.TryInfoAsync(node);
                if (info is null || info["leaderless_ring_version"] != version.ToString(CultureInfo.InvariantCulture) || info["leaderless_ring_moving"] != "0")
                {
                    return false;
                }
            }
            return true;
        }, TimeSpan.FromSeconds(120), $"every node runs ring v{version} and the handover is complete");

    private static string Key(int i) => "k:" + i.ToString(CultureInfo.InvariantCulture);

    private static string Value(int i) => "v:" + i.ToString(CultureInfo.InvariantCulture);
}
