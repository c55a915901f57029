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

    [Fact]
    public async Task The_format_changes_at_run_time_on_the_leader_and_every_node_follows()
    {
        await using var cluster = await ProcessCluster.StartAsync();
        Assert.Equal("OK", (await cluster.CommandAsync("n1", "SET", "before", "row-based")).AsString());

        var refused = await cluster.CommandAsync("n2", "CONFIG", "SET", "log-format", "statement");
        Assert.StartsWith("READONLY", refused.AsString());
        var unknown = await cluster.CommandAsync("n1", "CONFIG", "SET", "log-format", "binlog");
        Assert.Contains("'binlog' is not statement, physical or logical", unknown.AsString());
        var physical = await cluster.CommandAsync("n1", "CONFIG", "SET", "log-format", "physical");
        Assert.Contains("not built yet", physical.AsString());
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
