using System.Globalization;
using Chorus.Cli.Tests.Support;
using Chorus.Client;

namespace Chorus.Cli.Tests;

/// <summary>
/// DDIA ch. 5, "Leaderless replication", with real `chorus serve` processes on loopback: the IO
/// shell around the leaderless core (the protocol itself is covered by the simulator tests).
/// </summary>
[Collection(ProcessClusters.Name)]
public sealed class LeaderlessTests(ITestOutputHelper output)
{
    /// Requests wait longer than the default on this loaded machine; a peer counts as down after 2 s.
    private static readonly string[] Patient = ["--Leaderless:RequestTimeoutMs=5000", "--Leaderless:PeerDownAfterMs=2000"];

    /// kill -9 one of five nodes while writing with N=3, W=2: every acknowledged write stays
    /// readable, and the node, restarted, receives the hints kept for it.
    [Fact]
    public async Task Every_acknowledged_write_survives_a_killed_node_which_gets_its_hints_back()
    {
        await using var cluster = await ProcessCluster.StartLeaderlessAsync(5, ["--n", "3", "--w", "2", "--r", "2", .. Patient]);
        var acknowledged = new List<int>();
        await using (var client = await RespConnection.ConnectAsync("127.0.0.1", cluster["n1"].Port, TimeSpan.FromSeconds(5), CancellationToken.None))
        {
            for (var i = 0; i < 600; i++)
            {
                if (i == 200)
                {
                    await cluster.KillAsync("n4");
                }
                var reply = await client.CommandAsync(CancellationToken.None, "SET", Key(i), Value(i));
                if (!reply.IsError)
                {
                    acknowledged.Add(i);
                }
            }
        }
        output.WriteLine($"{acknowledged.Count} of 600 writes acknowledged");
        Assert.Contains(acknowledged, i => i >= 200);

        await using (var reader = await RespConnection.ConnectAsync("127.0.0.1", cluster["n2"].Port, TimeSpan.FromSeconds(5), CancellationToken.None))
        {
            foreach (var i in acknowledged)
            {
                Assert.Equal(Value(i), (await reader.CommandAsync(CancellationToken.None, "GET", Key(i))).AsString());
            }
        }

        cluster.Start("n4");
        await ProcessCluster.Eventually(async () =>
        {
            long pending = 0, delivered = 0;
            foreach (var member in cluster.Members)
            {
                var info = await cluster.TryInfoAsync(member.Id);
                if (info is null)
                {
                    return false;
                }
                pending += long.Parse(info["leaderless_hints_pending"], CultureInfo.InvariantCulture);
                delivered += long.Parse(info["leaderless_hints_delivered"], CultureInfo.InvariantCulture);
            }
            return pending == 0 && delivered > 0;
        }, TimeSpan.FromSeconds(90), "every hint is delivered to n4 and deleted");
    }

    /// A node whose data directory was wiped gets every key back from its replicas by anti-entropy.
    [Fact]
    public async Task Anti_entropy_restores_a_wiped_node()
    {
        await using var cluster = await ProcessCluster.StartLeaderlessAsync(3, Patient);
        for (var i = 0; i < 300; i++)
        {
            Assert.Equal("OK", (await cluster.CommandAsync($"n{(i % 3) + 1}", "SET", Key(i), Value(i))).AsString());
        }
        await ProcessCluster.Eventually(async () => await cluster.DigestAsync("n1") == await cluster.DigestAsync("n3"), TimeSpan.FromSeconds(60), "n3 holds every key");
        await using (var connection = await RespConnection.ConnectAsync("127.0.0.1", cluster["n2"].Port, TimeSpan.FromSeconds(5), CancellationToken.None))
        {
            // A connection's quorum setting holds for its later requests, and is checked against N.
            Assert.Equal("OK", (await connection.CommandAsync(CancellationToken.None, "CHORUS.QUORUM", "W", "4")).AsString());
            Assert.Equal("ERR W (4) is larger than N (3)", (await connection.CommandAsync(CancellationToken.None, "SET", Key(0), "x")).AsString());
            Assert.Equal("OK", (await connection.CommandAsync(CancellationToken.None, "CHORUS.QUORUM", "RESET")).AsString());
            Assert.Equal(Value(0), (await connection.CommandAsync(CancellationToken.None, "GET", Key(0))).AsString());
        }

        await cluster.StopAsync("n3");
        Directory.Delete(cluster.DataDir("n3"), recursive: true);
        cluster.Start("n3");
        await cluster.WaitForPeersUpAsync();

        await ProcessCluster.Eventually(async () => await cluster.DigestAsync("n1") == await cluster.DigestAsync("n3"), TimeSpan.FromSeconds(90), "anti-entropy restores n3");
        var info = await cluster.InfoAsync("n3");
        output.WriteLine($"n3 repaired {info["leaderless_keys_repaired"]} keys");
        Assert.True(long.Parse(info["leaderless_keys_repaired"], CultureInfo.InvariantCulture) >= 300);
    }

    private static string Key(int i) => "k:" + i.ToString(CultureInfo.InvariantCulture);

    private static string Value(int i) => "v:" + i.ToString(CultureInfo.InvariantCulture);
}
