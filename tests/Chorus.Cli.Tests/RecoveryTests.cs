using System.Globalization;
using Chorus.Cli.Tests.Support;
using StackExchange.Redis;

namespace Chorus.Cli.Tests;

/// <summary>DDIA ch. 5, "Handling Node Outages", with real processes and kill -9.</summary>
[Collection(ProcessClusters.Name)]
public sealed class RecoveryTests(ITestOutputHelper output)
{
    /// Follower failure: catch-up recovery from the follower's own log position, in every log
    /// format (docs/log-formats.md): the restarted follower reads rows, re-runs statements or
    /// writes the leader's storage bytes from where its own log ends.
    [Theory]
    [InlineData("logical")]
    [InlineData("statement", Traits = ["Category", "Long"])]
    [InlineData("physical")]
    public async Task A_killed_follower_resumes_from_its_own_last_lsn_and_converges(string logFormat)
    {
        await using var cluster = await ProcessCluster.StartAsync(3, null, "--log-format", logFormat);
        await using var leader = await cluster.ConnectAsync("n1");
        var db = leader.GetDatabase();
        await WriteAsync(db, "before", 1_000);
        await cluster.WaitForReplicationAsync();
        var lastBeforeKill = await cluster.LastLsnAsync("n2");

        await cluster.KillAsync("n2");
        await WriteAsync(db, "while-down", 10_000);
        cluster.Start("n2");
        await cluster.WaitForFollowersAsync(2);
        await cluster.WaitForReplicationAsync();

        var info = await cluster.InfoAsync("n2");
        output.WriteLine($"n2 had LSN {lastBeforeKill} when killed; resumed from {info["chorus_resumed_from_lsn"]}");
        Assert.Equal(lastBeforeKill + 1, ulong.Parse(info["chorus_resumed_from_lsn"], CultureInfo.InvariantCulture));
        await cluster.AssertConvergedAsync("n1", "n2");
        await cluster.AssertConvergedAsync("n1", "n3");
        Assert.Equal(logFormat, info["chorus_log_format"]);
    }

    /// Leader restart without failover (manual mode): every write acknowledged under fsync=always
    /// survives kill -9, the restarted leader is elected again, and its followers reconnect.
    [Fact]
    public async Task A_killed_leader_keeps_every_acknowledged_write_and_its_followers_reconnect()
    {
        await using var cluster = await ProcessCluster.StartAsync(3, new() { ["n1"] = "always" }, "--failover", "manual");
        await using (var leader = await cluster.ConnectAsync("n1"))
        {
            await WriteAsync(leader.GetDatabase(), "durable", 3_000);
        }

        await cluster.KillAsync("n1");
        cluster.Start("n1");
        await cluster.WaitForFollowersAsync(2);

        await using var restarted = await cluster.ConnectAsync("n1");
        var db = restarted.GetDatabase();
        var values = await Task.WhenAll(Enumerable.Range(0, 3_000).Select(i => db.StringGetAsync($"durable:{i}")));
        Assert.All(values.Select((v, i) => (v, i)), p => Assert.Equal($"value-{p.i}", (string?)p.v));
        await cluster.WaitForReplicationAsync();
        await cluster.AssertConvergedAsync("n1", "n2");
        await cluster.AssertConvergedAsync("n1", "n3");
    }

    /// Pipelined writes, each acknowledged before this returns.
    private static async Task WriteAsync(IDatabase db, string prefix, int count)
    {
        for (var start = 0; start < count; start += 1_000)
        {
            var batch = Enumerable.Range(start, Math.Min(1_000, count - start))
                .Select(i => db.StringSetAsync($"{prefix}:{i}", $"value-{i}"));
            Assert.All(await Task.WhenAll(batch), Assert.True);
        }
    }
}
