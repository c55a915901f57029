using Chorus.Cli.Tests.Support;
using Chorus.Client;
using StackExchange.Redis;

namespace Chorus.Cli.Tests;

/// <summary>
/// A cluster's identity (docs/consistency.md, "Tokens"): chosen by its first leader, the same on
/// every node — a node that joined from a snapshot, a restarted node, a new leader after a
/// failover — and carried in session tokens, so a token from another cluster is refused with a
/// clear error (at the RESP edge and through Chorus.Client) even when its LSN is one this cluster
/// has, instead of silently meaning "that LSN of this cluster".
/// </summary>
[Collection(ProcessClusters.Name)]
public sealed class ClusterIdentityTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_token_from_another_cluster_is_refused_and_the_identity_survives_joins_failovers_and_restarts()
    {
        // Cluster a keeps almost no log, so a node that joins later must start from a snapshot.
        await using var a = await ProcessCluster.StartAsync(2, null, "--LogRetainAgeMs=100", "--LogRetentionIntervalMs=200");
        await using var b = await ProcessCluster.StartAsync(1);
        var idA = await ClusterIdAsync(a, "n1");
        var idB = await ClusterIdAsync(b, "n1");
        output.WriteLine($"cluster a is {idA}, cluster b is {idB}");
        Assert.Matches("^[0-9a-f]{16}$", idA);
        Assert.NotEqual(idA, idB);

        // Cluster b's log is longer than the position a's token names: only the identity tells them apart.
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal("OK", (await b.CommandAsync("n1", "SET", $"b{i}", "x")).AsString());
        }
        await using var writerA = await RespConnection.ConnectAsync("127.0.0.1", a["n1"].Port, TimeSpan.FromSeconds(5), Ct);
        Assert.Equal("OK", (await writerA.CommandAsync(Ct, "SET", "comment", "from a")).AsString());
        var tokenA = (await writerA.CommandAsync(Ct, "CHORUS.TOKEN")).AsString()!;
        Assert.StartsWith($"v1:sl.{idA}=", tokenA);
        var lsnA = ulong.Parse(tokenA[(tokenA.IndexOf('=') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(await b.LastLsnAsync("n1") >= lsnA, "cluster b has the LSN of a's token");

        var foreign = $"ERR session token is from another cluster ('{idA}'; this is cluster '{idB}')";
        string[][] refused =
        [
            ["CHORUS.READ", "read-your-writes", "AFTER", tokenA, "GET", "b0"],
            ["CHORUS.READ", "eventual", "AFTER", tokenA, "GET", "b0"],
            ["CHORUS.CONSISTENCY", "monotonic", "AFTER", tokenA],
            ["CHORUS.SESSION", "WROTE", "user:1", tokenA],
        ];
        await using var readerB = await RespConnection.ConnectAsync("127.0.0.1", b["n1"].Port, TimeSpan.FromSeconds(5), Ct);
        foreach (var command in refused)
        {
            var reply = await readerB.CommandAsync(Ct, command);
            Assert.True(reply.IsError, $"{string.Join(' ', command)} → {reply}");
            Assert.StartsWith(foreign, reply.AsString());
        }
        Assert.Equal("eventual", (await readerB.CommandAsync(Ct, "CHORUS.CONSISTENCY")).Items![1].AsString());
        // A token without a cluster (issued before clusters had an identity) is accepted as before.
        Assert.Equal("x", (await readerB.CommandAsync(Ct, "CHORUS.READ", "read-your-writes", "AFTER", "v1:sl=1", "GET", "b0")).AsString());
        Assert.Equal("from a", (await a.CommandAsync("n2", "CHORUS.READ", "read-your-writes", "AFTER", tokenA, "WAIT", "20000", "GET", "comment")).AsString());

        // Chorus.Client: a session handed a's token cannot read at b.
        await using (var clientB = new ChorusClient(new ChorusClientOptions { Endpoints = { $"127.0.0.1:{b["n1"].Port}" } }))
        {
            var session = clientB.OpenSession(ReadConsistency.ReadYourWrites, after: SessionToken.Parse(tokenA));
            var error = await Assert.ThrowsAsync<RedisServerException>(() => session.StringGetAsync("b0", Ct));
            Assert.StartsWith(foreign, error.Message);
        }

        // A new member joins from a snapshot (the entry with the identity is long gone from the
        // leader's log), then the leader fails and later restarts: one identity throughout. The
        // leader always keeps its newest 1000 entries, so write more than that.
        using (var multiplexer = await a.ConnectAsync("n1"))
        {
            var db = multiplexer.GetDatabase();
            await Task.WhenAll(Enumerable.Range(0, 1100).Select(i => db.StringSetAsync($"fill:{i}", "x")));
        }
        await ProcessCluster.Eventually(async () => ulong.Parse((await a.InfoAsync("n1"))["chorus_log_first_lsn"], System.Globalization.CultureInfo.InvariantCulture) > 2,
            Deadline, "the leader retired the bootstrap settings entry");
        var joiner = a.AddMember();
        Assert.Equal("OK", (await a.CommandAsync("n1", "CHORUS.NODE", "ADD", joiner.Id, $"127.0.0.1:{joiner.PeerPort}", $"127.0.0.1:{joiner.Port}")).AsString());
        a.Start(joiner.Id);
        // Every node must know the joiner votes before the leader dies, or the two left cannot elect.
        foreach (var node in new[] { "n1", "n2", joiner.Id })
        {
            await ProcessCluster.Eventually(async () => (await a.InfoAsync(node)).GetValueOrDefault("chorus_members", "").Contains($"{joiner.Id}:voter", StringComparison.Ordinal),
                Deadline, $"{node} knows {joiner.Id} is promoted to voter");
        }
        Assert.Equal(idA, await ClusterIdAsync(a, joiner.Id));
        Assert.Equal("1", (await a.InfoAsync(joiner.Id))["chorus_snapshots_installed"]);

        await a.KillAsync("n1");
        var leader = await a.WaitForLeaderAsync(Deadline, "n2", joiner.Id);
        Assert.Equal(idA, await ClusterIdAsync(a, leader));
        a.Start("n1");
        await ProcessCluster.Eventually(async () => (await a.TryInfoAsync("n1")) is { } info && info.GetValueOrDefault("chorus_cluster_id") == idA,
            Deadline, "the restarted n1 has the cluster's identity");
        var tokenAfterFailover = (await a.CommandAsync(leader, "CHORUS.TOKEN")).AsString()!;
        Assert.StartsWith($"v1:sl.{idA}=", tokenAfterFailover);
        Assert.Equal("from a", (await a.CommandAsync(leader, "CHORUS.READ", "read-your-writes", "AFTER", tokenA, "GET", "comment")).AsString());
    }

    /// Waits until the node has learned the identity from the log (a follower learns it from the bootstrap settings entry).
    private static async Task<string> ClusterIdAsync(ProcessCluster cluster, string id)
    {
        var clusterId = "none";
        await ProcessCluster.Eventually(async () =>
        {
            clusterId = (await cluster.InfoAsync(id)).GetValueOrDefault("chorus_cluster_id", "none");
            return clusterId != "none";
        }, Deadline, $"{id} knows its cluster's identity");
        return clusterId;
    }
}
