using System.Security.Cryptography;
using Chorus.Cli.Tests.Support;
using StackExchange.Redis;

namespace Chorus.Cli.Tests;

/// <summary>
/// Issue 17, finding 1, with real processes: sizes agree end to end. Clients could send 512 MB
/// values while peer messages stop at 64 MiB, so a 170 MB SET was acknowledged, could not
/// replicate, was rolled back and crash-looped the node; a 70 MB SET caused three elections. A
/// value at chorus-max-write-bytes now replicates like any other, and one byte more is refused
/// at the door: not executed, not logged, and the connection stays usable.
/// </summary>
[Collection(ProcessClusters.Name)]
public sealed class WriteSizeTests
{
    /// <summary>Configured rather than the default (8 MiB), so the test's entries ship fast even on a loaded machine.</summary>
    private const int WriteBytesMax = 2 << 20;

    [Fact]
    public async Task A_value_at_the_limit_replicates_and_one_byte_more_is_refused_before_it_is_logged()
    {
        await using var cluster = await ProcessCluster.StartAsync(3, null, "--max-write-bytes", "2mb");
        await using var leader = await cluster.ConnectAsync("n1");
        var db = leader.GetDatabase();
        var atLimit = new byte[WriteBytesMax];
        new Random(17).NextBytes(atLimit);
        Assert.True(await db.StringSetAsync("big", atLimit));
        // Overwriting it logs the old value too (for rollback): twice the limit, still one entry.
        atLimit[0] ^= 0xFF;
        Assert.True(await db.StringSetAsync("big", atLimit));
        await cluster.WaitForReplicationAsync();
        var info = await cluster.InfoAsync("n1");

        var error = await Assert.ThrowsAsync<RedisServerException>(() => db.StringSetAsync("too-big", new byte[WriteBytesMax + 1]));
        Assert.Equal($"ERR write too large: an argument of {WriteBytesMax + 1} bytes, more than chorus-max-write-bytes ({WriteBytesMax})", error.Message);
        var grow = await Assert.ThrowsAsync<RedisServerException>(() => db.StringAppendAsync("big", "x"));
        Assert.Equal($"ERR value too large: the key would hold {WriteBytesMax + 1} bytes, more than chorus-max-write-bytes ({WriteBytesMax})", grow.Message);
        Assert.Equal("PONG", (await cluster.CommandAsync("n1", "PING")).AsString());
        var after = await cluster.InfoAsync("n1");
        Assert.Equal(info["chorus_last_lsn"], after["chorus_last_lsn"]);
        Assert.Equal(info["chorus_epoch"], after["chorus_epoch"]);

        foreach (var follower in new[] { "n2", "n3" })
        {
            await using var connection = await cluster.ConnectAsync(follower);
            var replicated = (byte[]?)await connection.GetDatabase().StringGetAsync("big");
            Assert.Equal(SHA256.HashData(atLimit), SHA256.HashData(replicated!));
            Assert.False(await connection.GetDatabase().KeyExistsAsync("too-big"));
        }
        Assert.Equal(await cluster.DigestAsync("n1"), await cluster.DigestAsync("n2"));
    }
}
