using Chorus.Cli.Tests.Support;

namespace Chorus.Cli.Tests;

/// <summary>
/// DDIA ch. 5, "Statement-based replication", with three real node processes: the leader logs
/// commands, followers run them again, and determinism rewriting is what keeps the replicas
/// equal (CHORUS.DIGEST); the format is a cluster setting changed at run time.
/// </summary>
[Collection(ProcessClusters.Name)]
public sealed class LogFormatTests
{
    /// Writes that read the clock or a random source, sent to the leader and (forwarded) through a follower.
    private static async Task WriteNondeterministicAsync(ProcessCluster cluster)
    {
        Assert.Equal(30, (await cluster.CommandAsync("n1", ["SADD", "pool", .. Enumerable.Range(0, 30).Select(i => $"m{i}")])).AsInteger());
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(4, (await cluster.CommandAsync(i % 2 == 0 ? "n1" : "n2", "SPOP", "pool", "4")).Items!.Count);
            Assert.Equal("OK", (await cluster.CommandAsync("n1", "SET", $"session:{i}", "x", "EX", "600")).AsString());
            Assert.Equal(1, (await cluster.CommandAsync("n3", "PEXPIRE", $"session:{i}", "500000")).AsInteger());
            Assert.False((await cluster.CommandAsync("n1", "INCRBYFLOAT", "price", "0.1")).IsError);
        }
    }

    [Fact]
    public async Task A_statement_cluster_with_rewriting_keeps_every_replica_equal()
    {
        await using var cluster = await ProcessCluster.StartAsync(3, null, "--log-format", "statement");
        await WriteNondeterministicAsync(cluster);

        await cluster.WaitForReplicationAsync();
        await cluster.AssertConvergedAsync("n1", "n2");
        await cluster.AssertConvergedAsync("n1", "n3");
        Assert.Equal("statement", (await cluster.InfoAsync("n2"))["chorus_log_format"]);
        Assert.Equal("yes", (await cluster.InfoAsync("n3"))["chorus_statement_rewrite"]);
        Assert.Equal(14, (await cluster.CommandAsync("n3", "SCARD", "pool")).AsInteger());
    }

    /// The broken variant, made visible: the same writes logged as sent leave each replica with its own data.
    [Fact]
    public async Task Without_rewriting_the_digests_show_the_replicas_diverged()
    {
        await using var cluster = await ProcessCluster.StartAsync(3, null, "--log-format", "statement", "--statement-rewrite", "no");
        await WriteNondeterministicAsync(cluster);

        await cluster.WaitForReplicationAsync();
        var leader = await cluster.DigestAsync("n1");
        Assert.NotEqual(leader, await cluster.DigestAsync("n2"));
        Assert.NotEqual(leader, await cluster.DigestAsync("n3"));
        Assert.Equal("no", (await cluster.InfoAsync("n1"))["chorus_statement_rewrite"]);
    }

    /// A mixed workload: collections, expiry, FLUSHDB/SWAPDB/MOVE (node-local physical ids), writes forwarded by followers.
    private static async Task WriteMixedAsync(ProcessCluster cluster)
    {
        string[][] commands =
        [
            ["HSET", "h", "a", "1", "b", "2"], ["SADD", "set", "x", "y", "z"], ["RPUSH", "list", "1", "2"],
            ["ZADD", "z", "1", "one"], ["SET", "gone", "v", "PX", "300"], ["EXPIRE", "h", "600"], ["MOVE", "set", "2"],
            ["SWAPDB", "0", "2"], ["INCR", "counter"], ["FLUSHDB"], ["SWAPDB", "0", "2"], ["HDEL", "h", "a"], ["APPEND", "s", "w"],
        ];
        for (var i = 0; i < commands.Length; i++)
        {
            var reply = await cluster.CommandAsync(i % 3 == 0 ? "n1" : i % 3 == 1 ? "n2" : "n3", commands[i]);
            Assert.False(reply.IsError, $"{string.Join(' ', commands[i])}: {reply.AsString()}");
        }
        await ProcessCluster.Eventually(async () => (await cluster.CommandAsync("n1", "EXISTS", "gone")).AsInteger() == 0, TimeSpan.FromSeconds(60), "the leader expires 'gone'");
    }

    /// DDIA ch. 5, "Write-ahead log shipping": the followers write the leader's storage bytes and end with its data.
    [Fact]
    public async Task A_physical_cluster_keeps_every_replica_equal()
    {
        await using var cluster = await ProcessCluster.StartAsync(3, null, "--log-format", "physical");
        await WriteMixedAsync(cluster);
        await WriteNondeterministicAsync(cluster);

        await cluster.WaitForReplicationAsync();
        await cluster.AssertConvergedAsync("n1", "n2");
        await cluster.AssertConvergedAsync("n1", "n3");
        var info = await cluster.InfoAsync("n2");
        Assert.Equal("physical", info["chorus_log_format"]);
        Assert.Equal("2", info["chorus_storage_format_version"]);
        Assert.Equal("1", (await cluster.CommandAsync("n3", "HLEN", "h")).AsInteger().ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    /// The rolling-upgrade problem made visible: a follower whose storage format differs refuses
    /// the physical stream, names both versions in INFO and chorus status, and keeps its data.
    /// Then the way out (docs/log-formats.md): the cluster switches to the logical format, and
    /// CHORUS.RESYNC re-bootstraps the stopped follower from the leader's snapshot, past the
    /// physical entries it refused.
    [Fact]
    public async Task A_follower_on_another_storage_format_refuses_the_physical_stream_until_it_is_rebootstrapped()
    {
        await using var cluster = await ProcessCluster.StartAsync(3, null, "--log-format", "physical");
        Assert.Equal("OK", (await cluster.CommandAsync("n1", "SET", "before", "kept")).AsString());
        await cluster.WaitForReplicationAsync();
        await cluster.StopAsync("n3");
        cluster.NodeArguments["n3"] = ["--claim-storage-format-version", "3"];
        cluster.Start("n3");
        await ProcessCluster.Eventually(async () => await cluster.TryInfoAsync("n3") is not null, TimeSpan.FromSeconds(120), "n3 answers again");

        Assert.Equal("OK", (await cluster.CommandAsync("n1", "SET", "after", "refused by n3")).AsString());

        await ProcessCluster.Eventually(async () => (await cluster.InfoAsync("n3")).ContainsKey("chorus_replication_refused"), TimeSpan.FromSeconds(60), "n3 refuses the stream");
        var refusal = (await cluster.InfoAsync("n3"))["chorus_replication_refused"];
        Assert.Contains("written for storage format version 2", refusal);
        Assert.Contains("this node's storage format is version 3", refusal);
        Assert.Equal("kept", (await cluster.CommandAsync("n3", "GET", "before")).AsString());
        Assert.True((await cluster.CommandAsync("n3", "GET", "after")).IsNull);
        Assert.Equal("refused by n3", (await cluster.CommandAsync("n2", "GET", "after")).AsString());
        var (exit, status) = await NodeProcess.RunCliAsync(TimeSpan.FromSeconds(60), "status", "--data", cluster.Root);
        Assert.Equal(0, exit);
        Assert.Contains("n3 stopped replicating: physical log entry", status);
        Assert.Contains("log format physical", status);

        Assert.StartsWith("ERR this node leads", (await cluster.CommandAsync("n1", "CHORUS.RESYNC")).AsString());
        Assert.Equal("OK", (await cluster.CommandAsync("n1", "CONFIG", "SET", "log-format", "logical")).AsString());
        Assert.Equal("OK", (await cluster.CommandAsync("n1", "SET", "after-switch", "row-based")).AsString());
        Assert.StartsWith("OK reloading from a snapshot of n1", (await cluster.CommandAsync("n3", "CHORUS.RESYNC")).AsString());
        await ProcessCluster.Eventually(async () =>
            (await cluster.TryInfoAsync("n3")) is { } n3 && n3.GetValueOrDefault("chorus_snapshots_installed") == "1" && !n3.ContainsKey("chorus_replication_refused"),
            TimeSpan.FromSeconds(90), "n3 restarts on the leader's snapshot");
        Assert.Equal("OK", (await cluster.CommandAsync("n1", "SET", "after-resync", "streamed")).AsString());
        await cluster.WaitForReplicationAsync();
        await cluster.AssertConvergedAsync("n1", "n3");
        Assert.Equal("refused by n3", (await cluster.CommandAsync("n3", "GET", "after")).AsString());
        Assert.Equal("streamed", (await cluster.CommandAsync("n3", "GET", "after-resync")).AsString());
    }

    /// CHORUS.RESYNC on a healthy follower of a short log (which a node with an empty log would
    /// replay from LSN 1 rather than copy): it reloads from a snapshot and goes on streaming.
    [Fact]
    public async Task Resync_rebuilds_a_follower_from_a_snapshot_on_demand()
    {
        await using var cluster = await ProcessCluster.StartAsync(3, null, "--log-format", "physical");
        await WriteMixedAsync(cluster);
        await cluster.WaitForReplicationAsync();

        Assert.StartsWith("OK reloading from a snapshot of n1", (await cluster.CommandAsync("n2", "CHORUS.RESYNC")).AsString());
        await ProcessCluster.Eventually(async () => (await cluster.TryInfoAsync("n2"))?.GetValueOrDefault("chorus_snapshots_installed") == "1",
            TimeSpan.FromSeconds(90), "n2 restarts on the leader's snapshot");
        Assert.Equal(1, (await cluster.CommandAsync("n1", "HSET", "h", "after", "resync")).AsInteger());
        await cluster.WaitForReplicationAsync();
        await cluster.AssertConvergedAsync("n1", "n2");
        Assert.Equal("resync", (await cluster.CommandAsync("n2", "HGET", "h", "after")).AsString());
    }

    [Fact]
    public async Task The_format_changes_at_run_time_on_the_leader_and_every_node_follows()
    {
        await using var cluster = await ProcessCluster.StartAsync();
        Assert.Equal("OK", (await cluster.CommandAsync("n1", "SET", "before", "row-based")).AsString());

        var refused = await cluster.CommandAsync("n2", "CONFIG", "SET", "log-format", "statement");
        Assert.StartsWith("READONLY", refused.AsString());
        var unknown = await cluster.CommandAsync("n1", "CONFIG", "SET", "log-format", "binlog");
        Assert.Contains("'binlog' is not statement, physical or logical", unknown.AsString());
        Assert.Equal("OK", (await cluster.CommandAsync("n1", "CONFIG", "SET", "log-format", "physical")).AsString());
        Assert.Equal("OK", (await cluster.CommandAsync("n1", "SET", "physical", "bytes")).AsString());
        Assert.Equal("OK", (await cluster.CommandAsync("n1", "CONFIG", "SET", "log-format", "statement")).AsString());
        Assert.Equal(["log-format", "statement"], (await cluster.CommandAsync("n1", "CONFIG", "GET", "log-format")).Items!.Select(i => i.AsString()));
        await WriteNondeterministicAsync(cluster);
        Assert.Equal("OK", (await cluster.CommandAsync("n1", "CONFIG", "SET", "log-format", "logical")).AsString());
        Assert.Equal("OK", (await cluster.CommandAsync("n1", "SET", "after", "row-based again")).AsString());

        await cluster.WaitForReplicationAsync();
        await cluster.AssertConvergedAsync("n1", "n2");
        await cluster.AssertConvergedAsync("n1", "n3");
        Assert.Equal("logical", (await cluster.InfoAsync("n3"))["chorus_log_format"]);
        var (exit, status) = await NodeProcess.RunCliAsync(TimeSpan.FromSeconds(60), "status", "--data", cluster.Root);
        Assert.Equal(0, exit);
        Assert.Contains("log format logical", status);
    }
}
