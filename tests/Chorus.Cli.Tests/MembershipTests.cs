using System.Diagnostics;
using System.Globalization;
using Chorus.Cli.Tests.Support;
using StackExchange.Redis;

namespace Chorus.Cli.Tests;

/// <summary>
/// DDIA ch. 5, "Setting Up New Followers": a node joins from a snapshot while writes go on; a
/// follower that missed more than the backlog reloads from a snapshot by itself.
/// </summary>
[Collection(ProcessClusters.Name)]
public sealed class MembershipTests(ITestOutputHelper output)
{
    private const int ValueBytes = 1024;

    [Fact]
    public async Task A_node_added_while_a_writer_runs_ends_with_the_leaders_state()
    {
        await using var cluster = await ProcessCluster.StartAsync(1);
        await using var leader = await cluster.ConnectAsync("n1");
        var db = leader.GetDatabase();
        var random = new Random(20261124);
        output.WriteLine("seed 20261124");
        var fill = Stopwatch.StartNew();
        await FillAsync(db, random, keys: 205_000);
        output.WriteLine($"wrote {205_000 * ValueBytes / 1e6:0} MB in {fill.Elapsed.TotalSeconds:0.0} s");

        using var stopWriter = new CancellationTokenSource();
        var writer = WriteContinuouslyAsync(db, stopWriter.Token);
        var joiner = cluster.AddMember();
        var added = await cluster.CommandAsync("n1", "CHORUS.NODE", "ADD", joiner.Id, $"127.0.0.1:{joiner.PeerPort}", $"127.0.0.1:{joiner.Port}");
        Assert.Equal("OK", added.AsString());
        var join = Stopwatch.StartNew();
        cluster.Start(joiner.Id);

        await ProcessCluster.Eventually(async () => (await cluster.InfoAsync("n1")).GetValueOrDefault("chorus_members", "").Contains($"{joiner.Id}:voter", StringComparison.Ordinal),
            TimeSpan.FromMinutes(3), $"{joiner.Id} is promoted to voter");
        output.WriteLine($"{joiner.Id} joined and was promoted after {join.Elapsed.TotalSeconds:0.0} s");
        await stopWriter.CancelAsync();
        var written = await writer;
        await cluster.WaitForReplicationAsync();

        var info = await cluster.InfoAsync(joiner.Id);
        output.WriteLine($"snapshot: {info["chorus_snapshot_bytes_total"]} bytes at {info["chorus_snapshot_rate_mb_per_s"]} MB/s; {written} writes during the join");
        Assert.Equal("1", info["chorus_snapshots_installed"]);
        Assert.True(long.Parse(info["chorus_snapshot_bytes_total"], CultureInfo.InvariantCulture) >= 200_000_000);
        Assert.True(written > 0, "writes went on during the join");
        try
        {
            Assert.Equal(await cluster.DigestAsync("n1"), await cluster.DigestAsync(joiner.Id));
        }
        catch
        {
            output.WriteLine(cluster.Output("n1"));
            output.WriteLine(cluster.Output(joiner.Id));
            throw;
        }
    }

    /// In every log format: the snapshot is a checkpoint of the leader's storage, whatever its log
    /// holds, and the entries after it are read in the log's format (for physical entries, onto
    /// the leader's own layout, which the checkpoint brought).
    [Theory]
    [InlineData("logical")]
    [InlineData("statement", Traits = ["Category", "Long"])]
    [InlineData("physical")]
    public async Task A_follower_that_fell_out_of_the_backlog_resyncs_from_a_snapshot_by_itself(string logFormat)
    {
        await using var cluster = await ProcessCluster.StartAsync(3, null, "--LogRetainBytes=100000", "--LogRetentionIntervalMs=200", "--log-format", logFormat);
        await using var leader = await cluster.ConnectAsync("n1");
        var db = leader.GetDatabase();
        await WriteAsync(db, "before", 1_000);
        await cluster.WaitForReplicationAsync();
        var n3Last = await cluster.LastLsnAsync("n3");

        await cluster.KillAsync("n3");
        // Once the leader counts n3 as gone it stops shipping to it; only then do the writes start,
        // so n3 can catch up on nothing but what the leader's log keeps.
        await cluster.WaitForFollowersAsync(1);
        await WriteAsync(db, "while-down", 20_000);
        await ProcessCluster.Eventually(async () => ulong.Parse((await cluster.InfoAsync("n1"))["chorus_log_first_lsn"], CultureInfo.InvariantCulture) > n3Last + 1,
            TimeSpan.FromSeconds(60), "the leader retired the entries n3 needs");

        cluster.Start("n3");
        try
        {
            await WaitForSnapshotInstallAsync(cluster);
        }
        catch (TimeoutException)
        {
            output.WriteLine(cluster.Output("n1"));
            output.WriteLine(cluster.Output("n3"));
            throw;
        }
        await cluster.WaitForFollowersAsync(2);
        await cluster.WaitForReplicationAsync();
        Assert.Equal(await cluster.DigestAsync("n1"), await cluster.DigestAsync("n3"));
        Assert.Contains("reloading from a snapshot", cluster.Output("n3"), StringComparison.Ordinal);
        Assert.Equal(logFormat, (await cluster.InfoAsync("n3"))["chorus_log_format"]);
    }

    private static Task WaitForSnapshotInstallAsync(ProcessCluster cluster) =>
        ProcessCluster.Eventually(async () =>
        {
            try
            {
                return (await cluster.InfoAsync("n3"))["chorus_snapshots_installed"] == "1";
            }
            catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(90), "n3 installed a snapshot");

    private static async Task FillAsync(IDatabase db, Random random, int keys)
    {
        for (var start = 0; start < keys; start += 2_000)
        {
            var writes = new List<Task<bool>>(2_000);
            for (var i = start; i < Math.Min(keys, start + 2_000); i++)
            {
                var value = new byte[ValueBytes];
                random.NextBytes(value); // incompressible, so the bytes on disk are real
                writes.Add(db.StringSetAsync($"fill:{i}", value));
            }
            Assert.All(await Task.WhenAll(writes), Assert.True);
        }
    }

    private static async Task<long> WriteContinuouslyAsync(IDatabase db, CancellationToken stop)
    {
        long written = 0;
        while (!stop.IsCancellationRequested)
        {
            var batch = Enumerable.Range(0, 100).Select(i => db.StringSetAsync($"during:{written + i}", $"v{written + i}"));
            await Task.WhenAll(batch);
            written += 100;
        }
        return written;
    }

    private static async Task WriteAsync(IDatabase db, string prefix, int count)
    {
        for (var start = 0; start < count; start += 1_000)
        {
            var batch = Enumerable.Range(start, Math.Min(1_000, count - start)).Select(i => db.StringSetAsync($"{prefix}:{i}", $"value-{i}"));
            Assert.All(await Task.WhenAll(batch), Assert.True);
        }
    }
}
