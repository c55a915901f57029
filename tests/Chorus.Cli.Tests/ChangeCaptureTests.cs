using System.Globalization;
using System.Text.Json;
using Chorus.Cli.Tests.Support;

namespace Chorus.Cli.Tests;

/// <summary>
/// DDIA ch. 5, "Logical (row-based) log replication": change data capture with real processes.
/// A consumer reading CHORUS.CDC through a leader failover and a follower restart, moving between
/// nodes by its position, ends with exactly the committed history: every change once, in LSN
/// order. The same history streams as NDJSON over HTTP.
/// </summary>
[Collection(ProcessClusters.Name)]
public sealed class ChangeCaptureTests(ITestOutputHelper output)
{
    /// <summary>A restarted node's start (seconds under load) and its catch-up.</summary>
    private static readonly TimeSpan RestartTimeout = TimeSpan.FromSeconds(120);

    private static readonly Dictionary<string, string> FsyncAlways = new() { ["n1"] = "always", ["n2"] = "always", ["n3"] = "always" };

    [Fact]
    public async Task A_consumer_sees_every_committed_change_exactly_once_through_a_failover_and_a_follower_restart()
    {
        await using var cluster = await ProcessCluster.StartAsync(3, FsyncAlways, "--election-timeout-ms", "1000");
        var writer = ContinuousWriter.Start(cluster["n3"].Port, "w");
        var consumer = CdcConsumer.Start(cluster["n2"].Port, cluster["n3"].Port, cluster["n1"].Port);
        await ProcessCluster.Eventually(() => Task.FromResult(writer.AcknowledgedCount >= 100 && consumer.Changes.Count >= 50), TimeSpan.FromSeconds(60), "writes and changes flow");

        await cluster.KillAsync("n1");
        var leader = await cluster.WaitForLeaderAsync(TimeSpan.FromSeconds(30), "n2", "n3");
        await WritesGoOnAsync(writer, 100);
        cluster.Start("n1");
        // The old leader is back (it rolled back what only it had, and caught up) before the next
        // fault. The follower used to be killed at once: with n2 leading that was n1 itself, 4 ms
        // after its start (so the old leader's restart was only ever the second one, 100 writes
        // before the final wait); with n3 leading, n2 went while n1 was still starting, leaving n3
        // without a majority until n1 was up — at load 50 here node starts took 26 s to over 60 s.
        await cluster.WaitForReplicationAsync(RestartTimeout);

        // A follower restarts (never n3: the writer writes through it); n2 is where the consumer began.
        var follower = leader == "n2" ? "n1" : "n2";
        await cluster.KillAsync(follower);
        await WritesGoOnAsync(writer, 100);
        cluster.Start(follower);
        await WritesGoOnAsync(writer, 100);
        await writer.StopAsync();
        await cluster.WaitForReplicationAsync(RestartTimeout); // the follower restarted 100 writes ago

        var committed = await ReadHistoryAsync(cluster, leader);
        var lastLsn = committed[^1].GetProperty("lsn").GetUInt64();
        await ProcessCluster.Eventually(() => Task.FromResult(consumer.Next > lastLsn), TimeSpan.FromSeconds(60), $"the consumer read past LSN {lastLsn}");
        await consumer.StopAsync();

        output.WriteLine($"{committed.Count} committed changes; the consumer reconnected {consumer.Reconnects} times, skipped {consumer.Duplicates} duplicates, saw {consumer.Rollbacks} rollbacks; errors: {string.Join(" | ", consumer.Errors)}");
        Assert.Equal(committed.Select(Identity), consumer.Changes.Select(Identity));
        Assert.Equal(0, consumer.Rollbacks); // fsync always: a committed change is never taken back
        // What the consumer holds is what the cluster holds: each acknowledged key it saw set is on the leader.
        var keys = committed.Select(c => c.GetProperty("key").GetString()!).ToHashSet();
        foreach (var key in writer.Acknowledged.Where(keys.Contains).Take(50))
        {
            Assert.Equal(key.Split(':')[1], (await cluster.CommandAsync(leader, "GET", key)).AsString());
        }
    }

    [Fact]
    public async Task Changes_stream_as_ndjson_over_http_and_bad_positions_are_refused()
    {
        await using var cluster = await ProcessCluster.StartAsync(3, FsyncAlways);
        for (var i = 0; i < 20; i++)
        {
            await cluster.CommandAsync("n1", "SET", $"k{i}", $"v{i}");
        }
        await cluster.CommandAsync("n1", "HSET", "row", "name", "ada");
        await cluster.WaitForReplicationAsync();
        var committed = await ReadHistoryAsync(cluster, "n1");

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
        using var stream = new StreamReader(await http.GetStreamAsync($"http://127.0.0.1:{cluster["n2"].HttpPort}/cdc?from=1", TestContext.Current.CancellationToken));
        var streamed = new List<JsonElement>();
        while (streamed.Count < committed.Count && await stream.ReadLineAsync(TestContext.Current.CancellationToken) is { } line)
        {
            var change = JsonDocument.Parse(line).RootElement.Clone();
            if (change.GetProperty("type").GetString() == "change")
            {
                streamed.Add(change);
            }
        }
        Assert.Equal(committed.Select(Identity), streamed.Select(Identity));
        Assert.Equal("ada", streamed[^1].GetProperty("fields")[0].GetProperty("after").GetString());

        using var bad = await http.GetAsync($"http://127.0.0.1:{cluster["n2"].HttpPort}/cdc?from=yesterday", TestContext.Current.CancellationToken);
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, bad.StatusCode);
        var refused = await cluster.CommandAsync("n2", "CHORUS.CDC", "READ", "-1");
        Assert.StartsWith("ERR syntax error", refused.AsString());
        var empty = await cluster.CommandAsync("n2", "CHORUS.CDC", "READ", "now", "BLOCK", "100");
        Assert.Empty(empty.Items[3].Items);

        // CDC shows every key: a user limited to some keys may not read it.
        await using var limited = await Client.RespConnection.ConnectAsync("127.0.0.1", cluster["n2"].Port, TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        Assert.Equal("OK", (await limited.CommandAsync(TestContext.Current.CancellationToken, "ACL", "SETUSER", "orders", "on", ">pw", "~order:*", "+@all")).AsString());
        Assert.Equal("OK", (await limited.CommandAsync(TestContext.Current.CancellationToken, "AUTH", "orders", "pw")).AsString());
        Assert.StartsWith("NOPERM change data capture shows every key", (await limited.CommandAsync(TestContext.Current.CancellationToken, "CHORUS.CDC", "READ", "1")).AsString());
    }

    /// <summary>The leader's whole committed history, read in batches from LSN 1.</summary>
    private static async Task<List<JsonElement>> ReadHistoryAsync(ProcessCluster cluster, string id)
    {
        var changes = new List<JsonElement>();
        ulong next = 1;
        while (true)
        {
            var reply = await cluster.CommandAsync(id, "CHORUS.CDC", "READ", next.ToString(CultureInfo.InvariantCulture), "COUNT", "1000");
            var after = (ulong)reply.Items[0].AsInteger();
            changes.AddRange(reply.Items[3].Items.Select(e => JsonDocument.Parse(e.AsString()!).RootElement.Clone()));
            if (after == next)
            {
                return changes;
            }
            next = after;
        }
    }

    private static string Identity(JsonElement change) =>
        $"{change.GetProperty("lsn").GetUInt64()}/{change.GetProperty("index").GetInt32()} {change.GetProperty("op").GetString()} {change.GetProperty("key").GetString()}";

    private static async Task WritesGoOnAsync(ContinuousWriter writer, int count)
    {
        var from = writer.AcknowledgedCount;
        await ProcessCluster.Eventually(() => Task.FromResult(writer.AcknowledgedCount >= from + count), TimeSpan.FromSeconds(60), $"{count} more writes are acknowledged");
    }
}
