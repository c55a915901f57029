using System.Globalization;
using Chorus.Cli.Tests.Support;
using StackExchange.Redis;

namespace Chorus.Cli.Tests;

/// <summary>
/// DDIA ch. 5, "Handling node outages" with anti-entropy's Merkle trees (--follower-resync merkle):
/// a follower that was down while the leader retired the log it needed comes back and resyncs by
/// comparing trees, copying only the rows that differ instead of the whole database.
/// </summary>
[Collection(ProcessClusters.Name)]
public sealed class MerkleResyncTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_follower_that_fell_out_of_the_backlog_resyncs_by_merkle_diff_copying_only_what_changed()
    {
        await using var cluster = await ProcessCluster.StartAsync(3, null, "--LogRetainBytes=20000", "--LogRetentionIntervalMs=200", "--follower-resync", "merkle");
        await using var leader = await cluster.ConnectAsync("n1");
        var db = leader.GetDatabase();
        await WriteAsync(db, "kept", 0, 2_000);
        await cluster.WaitForReplicationAsync();
        var n3Last = await cluster.LastLsnAsync("n3");

        await cluster.KillAsync("n3");
        await cluster.WaitForFollowersAsync(1);
        // While n3 is away: 30 keys change, 20 go, 30 arrive, and one counter is bumped often
        // enough that the leader retires the log n3 needs (about 2% of the keys differ).
        await WriteAsync(db, "kept", 0, 30, "changed");
        Assert.Equal(20, await db.KeyDeleteAsync([.. Enumerable.Range(100, 20).Select(i => (RedisKey)$"kept:{i}")]));
        await WriteAsync(db, "new", 0, 30);
        await Task.WhenAll(Enumerable.Range(0, 1_200).Select(_ => db.StringIncrementAsync("hits")));
        await ProcessCluster.Eventually(async () => ulong.Parse((await cluster.InfoAsync("n1"))["chorus_log_first_lsn"], CultureInfo.InvariantCulture) > n3Last + 1,
            TimeSpan.FromSeconds(60), "the leader retired the entries n3 needs");

        cluster.Start("n3");
        try
        {
            await ProcessCluster.Eventually(async () => (await cluster.TryInfoAsync("n3"))?.GetValueOrDefault("chorus_snapshots_installed") == "1",
                TimeSpan.FromSeconds(90), "n3 resynced");
            await cluster.WaitForFollowersAsync(2);
            await cluster.WaitForReplicationAsync();
            Assert.Equal(await cluster.DigestAsync("n1"), await cluster.DigestAsync("n3"));
        }
        catch (Exception e) when (e is TimeoutException or Xunit.Sdk.XunitException)
        {
            output.WriteLine(cluster.Output("n1"));
            output.WriteLine(cluster.Output("n3"));
            throw;
        }
        var info = await cluster.InfoAsync("n3");
        var copied = long.Parse(info["chorus_merkle_resync_rows_copied"], CultureInfo.InvariantCulture);
        var leaderRows = long.Parse(info["chorus_merkle_resync_leader_rows"], CultureInfo.InvariantCulture);
        output.WriteLine($"n3 copied {copied} of {leaderRows} rows ({info["chorus_merkle_resync_row_bytes_copied"]} key and value bytes), removed {info["chorus_merkle_resync_rows_removed"]}; "
            + $"{info["chorus_merkle_resync_bytes_received"]} bytes received, {info["chorus_merkle_resync_bytes_sent"]} sent, {info["chorus_merkle_resync_ms"]} ms");
        Assert.Equal("merkle", info["chorus_resync_method"]);
        Assert.Contains("resyncing by Merkle diff", cluster.Output("n3"), StringComparison.Ordinal);
        Assert.Contains("Merkle resync from n1", cluster.Output("n3"), StringComparison.Ordinal);
        // The 61 changed keys, the rows sharing their leaves and the leader's retained log travel;
        // most of the 1,980 unchanged keys do not.
        Assert.InRange(copied, 61, leaderRows / 2);
        Assert.InRange(long.Parse(info["chorus_merkle_resync_rows_removed"], CultureInfo.InvariantCulture), 50, 1_000);
        await using var n3 = await cluster.ConnectAsync("n3");
        Assert.Equal("v-new-29", await n3.GetDatabase().StringGetAsync("new:29"));
        Assert.Equal("1200", await n3.GetDatabase().StringGetAsync("hits"));
        Assert.False(await n3.GetDatabase().KeyExistsAsync("kept:100"));
    }

    private static async Task WriteAsync(IDatabase db, string prefix, int from, int count, string value = "")
    {
        var writes = Enumerable.Range(from, count).Select(i => db.StringSetAsync($"{prefix}:{i}", $"v-{(value.Length > 0 ? value : prefix)}-{i}"));
        Assert.All(await Task.WhenAll(writes), Assert.True);
    }
}
