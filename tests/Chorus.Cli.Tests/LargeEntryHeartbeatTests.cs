using System.Security.Cryptography;
using Chorus.Cli.Tests.Support;

namespace Chorus.Cli.Tests;

/// <summary>
/// Issue 17: a large entry must not starve heartbeats. A 31 MiB SET that overwrites a value is a
/// 62 MiB entry (it carries the value it replaces, for rollback); it travels to each follower in
/// 1 MiB pieces. Heartbeats queued behind those pieces on the same peer stream, and a follower
/// that spent seconds applying the entry counted that time against the leader: elections during
/// large writes (three in five seconds for a 70 MB SET). Log entries now travel in a bulk lane
/// of their own, and a follower forgives its own stalls.
/// </summary>
[Collection(ProcessClusters.Name)]
public sealed class LargeEntryHeartbeatTests(ITestOutputHelper output)
{
    private const int ValueBytes = 31 << 20;

    /// <remarks>
    /// Long: three 62 MiB entries to two followers. It also needs a machine that is not starved:
    /// the leader's own loop runs each such write for 0.5–1 s of CPU (executing it, writing ~100 MB
    /// to RocksDB, encoding it per follower), and under a load average of 60 on two cores that
    /// round took 5–34 s of wall time, longer than any election timeout: no lane helps a leader
    /// that sends nothing.
    /// </remarks>
    [Fact]
    [Trait("Category", "Long")]
    public async Task Writes_at_the_largest_limit_replicate_without_an_election()
    {
        await using var cluster = await ProcessCluster.StartAsync(3, null, "--max-write-bytes", "31mb");
        await using var leader = await cluster.ConnectAsync("n1", timeoutMs: 120_000);
        var db = leader.GetDatabase();
        var before = await cluster.InfoAsync("n1");
        var value = new byte[ValueBytes];
        new Random(1731).NextBytes(value);
        for (var round = 0; round < 3; round++)
        {
            value[round] ^= 0xFF; // every round after the first overwrites: a 62 MiB entry
            Assert.True(await db.StringSetAsync("large", value), $"round {round}");
        }
        await cluster.WaitForReplicationAsync(TimeSpan.FromMinutes(3));

        var after = await cluster.InfoAsync("n1");
        foreach (var member in cluster.Members)
        {
            var info = await cluster.InfoAsync(member.Id);
            output.WriteLine($"{member.Id}: {info["chorus_role"]} in epoch {info["chorus_epoch"]}");
        }
        if (after["chorus_epoch"] != before["chorus_epoch"] || after["chorus_role"] != "leader")
        {
            output.WriteLine(string.Join("\n", cluster.Members.Select(m => $"--- {m.Id} ---\n{cluster.Output(m.Id)}")));
        }
        Assert.Equal("leader", after["chorus_role"]);
        Assert.Equal(before["chorus_epoch"], after["chorus_epoch"]);
        foreach (var member in cluster.Members)
        {
            await using var connection = await cluster.ConnectAsync(member.Id, timeoutMs: 60_000);
            Assert.Equal(SHA256.HashData(value), SHA256.HashData((byte[])(await connection.GetDatabase().StringGetAsync("large"))!));
        }
    }
}
