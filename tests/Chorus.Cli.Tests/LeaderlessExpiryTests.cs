using System.Globalization;
using Chorus.Cli.Tests.Support;

namespace Chorus.Cli.Tests;

/// <summary>
/// Expiry on a leaderless cluster of real `chorus serve` processes (docs/leaderless.md, "Expiry"):
/// keys written with a TTL expire on every replica, and a replica killed before they expired does
/// not bring them back when it returns. The protocol is covered by the simulator
/// (LeaderlessExpiryTests there); this proves the shell: expiry through RESP, storage, restart.
/// </summary>
[Collection(ProcessClusters.Name)]
public sealed class LeaderlessExpiryTests(ITestOutputHelper output)
{
    private const int Keys = 40;

    [Fact]
    public async Task Keys_expire_on_every_replica_and_a_returning_replica_does_not_resurrect_them()
    {
        await using var cluster = await ProcessCluster.StartLeaderlessAsync(3, ["--n", "3", "--w", "2", "--r", "2", "--Leaderless:RequestTimeoutMs=5000", "--Leaderless:PeerDownAfterMs=2000"]);
        for (var i = 0; i < Keys; i++)
        {
            Assert.Equal("OK", (await cluster.CommandAsync("n1", "SET", Key(i), "v", "PX", "4000")).AsString());
        }
        Assert.Equal("OK", (await cluster.CommandAsync("n1", "SET", "kept", "v")).AsString());
        // The last key written is the freshest: on a loaded machine the first may be gone by now.
        Assert.InRange((await cluster.CommandAsync("n2", "PTTL", Key(Keys - 1))).AsInteger(), 1, 4000);
        Assert.Equal(-1, (await cluster.CommandAsync("n2", "TTL", "kept")).AsInteger());
        await ProcessCluster.Eventually(async () => await cluster.DigestAsync("n1") == await cluster.DigestAsync("n3"), TimeSpan.FromSeconds(30), "n3 holds every key");

        // n3 goes down before the keys expire: it misses their deletion.
        await cluster.KillAsync("n3");
        await ProcessCluster.Eventually(async () => await Sum(cluster, ["n1", "n2"], "leaderless_expired_keys_deleted") >= Keys, TimeSpan.FromSeconds(60), "n1 and n2 delete the expired keys");
        Assert.Equal(0, (await cluster.CommandAsync("n2", ["EXISTS", .. Enumerable.Range(0, Keys).Select(Key)])).AsInteger());
        Assert.Equal(-2, (await cluster.CommandAsync("n1", "TTL", Key(0))).AsInteger());

        cluster.Start("n3");
        await cluster.WaitForPeersUpAsync();
        await ProcessCluster.Eventually(async () => await cluster.DigestAsync("n1") == await cluster.DigestAsync("n3") && await cluster.DigestAsync("n2") == await cluster.DigestAsync("n3"),
            TimeSpan.FromSeconds(60), "n3 receives the deletions (hints, anti-entropy) and the replicas converge");
        foreach (var node in new[] { "n1", "n2", "n3" })
        {
            Assert.Equal(0, (await cluster.CommandAsync(node, ["EXISTS", .. Enumerable.Range(0, Keys).Select(Key)])).AsInteger());
            Assert.Equal("v", (await cluster.CommandAsync(node, "GET", "kept")).AsString());
        }
        output.WriteLine($"expired keys deleted: {await Sum(cluster, ["n1", "n2", "n3"], "leaderless_expired_keys_deleted")}");
    }

    private static async Task<long> Sum(ProcessCluster cluster, string[] nodes, string field)
    {
        long total = 0;
        foreach (var node in nodes)
        {
            total += (await cluster.TryInfoAsync(node)) is { } info ? long.Parse(info[field], CultureInfo.InvariantCulture) : 0;
        }
        return total;
    }

    private static string Key(int i) => "ttl:" + i.ToString(CultureInfo.InvariantCulture);
}
