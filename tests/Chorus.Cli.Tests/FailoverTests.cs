using System.Globalization;
using Chorus.Cli.Tests.Support;
using Chorus.Client;
using Chorus.Commands.Logical;
using Chorus.Commands.Physical;
using Chorus.Commands.Statements;
using Chorus.Core.Log;
using Chorus.Server.Hosting;

namespace Chorus.Cli.Tests;

/// <summary>
/// DDIA ch. 5, "Handling Node Outages — Leader failover", with real processes: a new leader is
/// elected when the leader dies, a leader that was paused past its lease steps down and rolls its
/// unreplicated writes back into a rollback file (never silently), and a manual failover loses
/// nothing.
/// </summary>
[Collection(ProcessClusters.Name)]
public sealed class FailoverTests(ITestOutputHelper output)
{
    /// <summary>Election timeout 1 s (the product's default): detection, pre-vote and election must fit in a few of them.</summary>
    private static readonly TimeSpan FailoverBound = TimeSpan.FromSeconds(6);

    private static readonly Dictionary<string, string> FsyncAlways = new() { ["n1"] = "always", ["n2"] = "always", ["n3"] = "always" };

    /// In every log format (docs/log-formats.md): the new leader goes on writing in the log's
    /// format, and the returning old leader undoes what only it had (rows from their
    /// before-images, statements and physical entries from their undo images) into its rollback file.
    [Theory]
    [InlineData("logical")]
    [InlineData("statement", Traits = ["Category", "Long"])]
    [InlineData("physical")]
    public async Task Killing_the_leader_under_writes_elects_a_new_one_and_the_old_one_returns_as_a_follower(string logFormat)
    {
        await using var cluster = await ProcessCluster.StartAsync(3, FsyncAlways, "--election-timeout-ms", "1000", "--log-format", logFormat);
        // Writes go through n3, which forwards them to whichever node leads.
        var writer = ContinuousWriter.Start(cluster["n3"].Port, "w");
        // A deadline, not a pace: under a loaded machine (five test suites building at once) the
        // first 200 fsynced writes through a forwarding follower took over 30 s twice.
        await ProcessCluster.Eventually(() => Task.FromResult(writer.AcknowledgedCount >= 200), TimeSpan.FromSeconds(90), "writes flow");

        var killedAt = writer.Now;
        await cluster.KillAsync("n1");
        await ProcessCluster.Eventually(() => Task.FromResult(writer.FirstAcknowledgedAfter(killedAt) is not null), FailoverBound * 2, "a write succeeds after the leader died");
        var window = writer.FirstAcknowledgedAfter(killedAt)!.Value - killedAt;
        var leader = await cluster.WaitForLeaderAsync(TimeSpan.FromSeconds(10), "n2", "n3");
        output.WriteLine($"{leader} leads; the first write after the kill succeeded {window.TotalMilliseconds:0} ms after it");
        Assert.True(window < FailoverBound, $"writes resumed {window.TotalMilliseconds:0} ms after the leader died");
        var info = await cluster.InfoAsync(leader);
        Assert.True(long.Parse(info["chorus_epoch"], CultureInfo.InvariantCulture) >= 2, "the new leader leads a newer epoch");
        Assert.Equal(logFormat, info["chorus_log_format"]);

        var resumed = writer.AcknowledgedCount;
        await ProcessCluster.Eventually(() => Task.FromResult(writer.AcknowledgedCount >= resumed + 100), TimeSpan.FromSeconds(10), "writes go on under the new leader");
        cluster.Start("n1");
        await ProcessCluster.Eventually(async () =>
            {
                var n1 = await cluster.TryInfoAsync("n1");
                return n1?.GetValueOrDefault("chorus_role") == "follower" && n1.GetValueOrDefault("chorus_leader") == leader;
            }, TimeSpan.FromSeconds(30), $"n1 follows {leader}");
        await writer.StopAsync();
        await cluster.WaitForReplicationAsync();
        await cluster.AssertConvergedAsync(leader, "n1");

        // Async replication may lose acknowledged writes that only the old leader had; with fsync
        // always they survived its crash, so each one is either on the new leader or in n1's rollback file.
        var missing = await MissingAsync(cluster, leader, writer.Acknowledged);
        var rolledBack = RolledBackKeys(cluster, "n1");
        output.WriteLine($"{writer.AcknowledgedCount} writes acknowledged, {missing.Count} of them not on {leader}, {rolledBack.Count} keys in n1's rollback files");
        Assert.All(missing, key => Assert.Contains(key, rolledBack));
    }

    [Fact]
    public async Task A_leader_paused_past_its_lease_steps_down_and_rolls_back_its_unreplicated_writes_into_a_file()
    {
        await using var cluster = await ProcessCluster.StartAsync(3, FsyncAlways, "--election-timeout-ms", "2000");
        await using (var n1 = await RespConnection.ConnectAsync("127.0.0.1", cluster["n1"].Port, TimeSpan.FromSeconds(5), CancellationToken.None))
        {
            Assert.Equal("OK", (await n1.CommandAsync(CancellationToken.None, "SET", "before", "replicated")).AsString());
            await cluster.WaitForReplicationAsync();

            // The followers freeze with the leader's next entries unread in their sockets...
            cluster.Pause("n2");
            cluster.Pause("n3");
            // Issue 17, finding 1: a large binary value reaches the rollback file whole.
            Assert.Equal("OK", (await n1.CommandAsync(CancellationToken.None, "SET"u8.ToArray(), "unreplicated:big"u8.ToArray(), LargeBinaryValue)).AsString());
            for (var i = 0; i < 20; i++)
            {
                Assert.Equal("OK", (await n1.CommandAsync(CancellationToken.None, "SET", $"unreplicated:{i}", "lost")).AsString());
            }
        }
        // ...then the leader freezes too, and the followers restart without ever having read them.
        cluster.Pause("n1");
        await cluster.KillAsync("n2");
        await cluster.KillAsync("n3");
        cluster.Start("n2");
        cluster.Start("n3");
        var leader = await cluster.WaitForLeaderAsync(TimeSpan.FromSeconds(30), "n2", "n3");
        Assert.Equal("OK", (await cluster.CommandAsync(leader, "SET", "after", "new-leader")).AsString());
        var epoch = (await cluster.InfoAsync(leader))["chorus_epoch"];

        cluster.Resume("n1");
        await ProcessCluster.Eventually(async () =>
            {
                var n1 = await cluster.TryInfoAsync("n1");
                return n1?.GetValueOrDefault("chorus_role") == "follower" && n1.GetValueOrDefault("chorus_epoch") == epoch && n1.GetValueOrDefault("chorus_rollbacks") == "1";
            }, TimeSpan.FromSeconds(30), $"n1 steps down, follows {leader} in epoch {epoch} and rolls back");
        await cluster.WaitForReplicationAsync();
        await cluster.AssertConvergedAsync(leader, "n1");
        Assert.Equal("new-leader", (await cluster.CommandAsync("n1", "GET", "after")).AsString());
        Assert.True((await cluster.CommandAsync("n1", "GET", "unreplicated:0")).IsNull);

        var rolledBack = RolledBackKeys(cluster, "n1");
        Assert.All(Enumerable.Range(0, 20), i => Assert.Contains($"unreplicated:{i}", rolledBack));
        Assert.Equal("21", (await cluster.InfoAsync("n1"))["chorus_rolled_back_entries"]);

        var (exit, listing) = await NodeProcess.RunCliAsync(TimeSpan.FromSeconds(60), "rollbacks", "--data", cluster.Root, "--show");
        Assert.Equal(0, exit);
        Assert.Contains("put unreplicated:19 = lost", listing, StringComparison.Ordinal);
        const string Big = "put unreplicated:big = base64:";
        var big = listing.Split('\n').Single(l => l.Contains(Big, StringComparison.Ordinal));
        Assert.Equal(LargeBinaryValue, Convert.FromBase64String(big[(big.IndexOf(Big, StringComparison.Ordinal) + Big.Length)..].TrimEnd('\r')));
        output.WriteLine(string.Join('\n', listing.Split('\n').Where(l => !l.Contains(Big, StringComparison.Ordinal))));
    }

    /// <summary>2 MiB of seeded random bytes (every byte value, invalid UTF-8): small enough to write well within the paused leader's lease.</summary>
    private static readonly byte[] LargeBinaryValue = RandomBytes(2 << 20, seed: 17);

    private static byte[] RandomBytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    [Fact]
    public async Task A_manual_failover_under_writes_loses_nothing()
    {
        // FAILOVER hands over without waiting for a timeout; a long one keeps a loaded machine from
        // holding extra elections, which under async acknowledgement may rightly roll writes back
        // (seen at load 48: n3 led briefly, n2 took over in epoch 4 without its entries).
        await using var cluster = await ProcessCluster.StartAsync(3, null, "--election-timeout-ms", "5000");
        var writer = ContinuousWriter.Start(cluster["n3"].Port, "m");
        await ProcessCluster.Eventually(() => Task.FromResult(writer.AcknowledgedCount >= 200), TimeSpan.FromSeconds(30), "writes flow");

        var (exit, said) = await NodeProcess.RunCliAsync(TimeSpan.FromSeconds(60), "failover", "--to", "n2", "--data", cluster.Root);
        output.WriteLine(said);
        Assert.True(exit == 0, said);
        var handedOverAt = writer.Now;
        await ProcessCluster.Eventually(() => Task.FromResult(writer.FirstAcknowledgedAfter(handedOverAt) is not null), TimeSpan.FromSeconds(10), "writes go on after the handover");
        await writer.StopAsync();

        Assert.Equal("n2", await cluster.LeaderAsync());
        await ProcessCluster.Eventually(async () => (await cluster.InfoAsync("n1"))["chorus_role"] == "follower", TimeSpan.FromSeconds(10), "n1 follows");
        await cluster.WaitForReplicationAsync();
        var missing = await MissingAsync(cluster, "n2", writer.Acknowledged);
        output.WriteLine($"{writer.AcknowledgedCount} writes acknowledged; errors during the handover: {string.Join(" | ", writer.Errors.Distinct().Take(5))}");
        Assert.Empty(missing);
        Assert.All(cluster.Members, m => Assert.False(Directory.Exists(Path.Combine(cluster.DataDir(m.Id), "rollback")), $"{m.Id} rolled something back"));
        await cluster.AssertConvergedAsync("n2", "n1");
    }

    /// <summary>The keys of <paramref name="keys"/> that <paramref name="node"/> does not hold.</summary>
    private static async Task<List<string>> MissingAsync(ProcessCluster cluster, string node, IReadOnlyList<string> keys)
    {
        await using var connection = await RespConnection.ConnectAsync("127.0.0.1", cluster[node].Port, TimeSpan.FromSeconds(5), CancellationToken.None);
        var missing = new List<string>();
        foreach (var chunk in keys.Chunk(500))
        {
            var values = (await connection.CommandAsync(CancellationToken.None, ["MGET", .. chunk])).Items!;
            missing.AddRange(chunk.Where((_, i) => values[i].IsNull));
        }
        return missing;
    }

    /// <summary>The keys a discarded entry wrote, in its format (the writer only SETs).</summary>
    private static IEnumerable<byte[]> KeysOf(LogEntry entry) => entry.Kind switch
    {
        PayloadKind.Logical => LogicalPayload.Decode(entry.Payload.Span).OfType<KeyChange>().Select(c => c.Key),
        PayloadKind.Statement => [StatementPayload.Decode(entry.Payload.Span).Arguments[1]],
        PayloadKind.Physical => PhysicalKeys.Of(PhysicalPayload.Decode(entry.Payload.Span)).Select(w => w.Key),
        _ => [],
    };

    /// <summary>Every key a rollback file of <paramref name="node"/> mentions.</summary>
    private static HashSet<string> RolledBackKeys(ProcessCluster cluster, string node)
    {
        var directory = Path.Combine(cluster.DataDir(node), "rollback");
        var keys = new HashSet<string>(StringComparer.Ordinal);
        if (!Directory.Exists(directory))
        {
            return keys;
        }
        foreach (var path in Directory.EnumerateFiles(directory, "*" + RollbackFile.Extension))
        {
            using var stream = File.OpenRead(path);
            foreach (var entry in RollbackFile.ReadEntries(stream, RollbackFile.ReadHeader(stream)))
            {
                keys.UnionWith(KeysOf(entry).Select(key => System.Text.Encoding.UTF8.GetString(key)));
            }
        }
        return keys;
    }
}
