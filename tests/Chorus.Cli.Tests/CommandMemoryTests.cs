using System.Globalization;
using Chorus.Cli.Tests.Support;
using Chorus.Client;

namespace Chorus.Cli.Tests;

/// <summary>
/// Issue 17, finding 2: `SETRANGE k 536870911 x` (then within the limits) drove the leader to
/// 14 GB resident; it stalled, lost leadership, crash-looped, and its digest stayed different
/// from the others'. No single command may cost more than a small multiple of its result's size,
/// and no node may stay diverged. Each of the costliest commands within the default limits (8 MiB
/// per write) runs on the leader of a real cluster; every node's peak resident memory while it
/// runs and replicates (Linux's VmHWM, reset before each command) must stay below
/// <see cref="PeakPerResultByteMax"/> times the bytes the command produces plus a fixed
/// <see cref="SlackBytes"/>, and afterwards all three digests agree.
/// </summary>
[Collection(ProcessClusters.Name)]
public sealed class CommandMemoryTests(ITestOutputHelper output)
{
    /// <summary>chorus-max-write-bytes's default, which the cluster keeps.</summary>
    private const int WriteBytesMax = 8 << 20;

    /// <summary>
    /// A command may cost this many times what it produces, beyond <see cref="SlackBytes"/>.
    /// Measured (Debug build, load 30 on two cores): appending 4 MiB to nothing took the leader up
    /// to +64 MB (bound 96), an 8 MiB HSET up to +79 MB (bound 144) — the request, its arguments,
    /// the value, the log entry, the RocksDB batch and the pieces on their way to two followers
    /// each hold a copy for a while, and the collector may not have reclaimed the previous
    /// command's yet. The 512 MiB SETRANGE of the finding is held to the slack alone (it cost 5.7–14 GB).
    /// </summary>
    private const int PeakPerResultByteMax = 12;

    /// <summary>What any command may cost beside its result: young garbage the collector has not reclaimed, buffers, thread stacks.</summary>
    private const long SlackBytes = 48L << 20;

    private const int ElementBytes = 512;

    private const int Elements = WriteBytesMax / ElementBytes;

    [Fact]
    public async Task The_costliest_commands_within_the_limits_cost_a_small_multiple_of_their_result_and_every_node_agrees()
    {
        await using var cluster = await ProcessCluster.StartAsync();
        var pids = new Dictionary<string, int>();
        foreach (var member in cluster.Members)
        {
            pids[member.Id] = int.Parse((await cluster.InfoAsync(member.Id, "server"))["process_id"], CultureInfo.InvariantCulture);
        }
        await using var leader = await RespConnection.ConnectAsync("127.0.0.1", cluster["n1"].Port, TimeSpan.FromSeconds(5), CancellationToken.None);
        async Task<Resp.RespValue> Run(params string[] command) => await leader.CommandAsync(CancellationToken.None, command);

        // The finding itself: refused before a byte of the 512 MiB is allocated.
        await MeasureAsync(cluster, pids, "SETRANGE k 536870911 x", 0, async () =>
            Assert.StartsWith("ERR value too large", (await Run("SETRANGE", "huge", "536870911", "x")).AsString(), StringComparison.Ordinal));

        await MeasureAsync(cluster, pids, "SETRANGE k 8388607 x", WriteBytesMax, async () =>
            Assert.Equal(WriteBytesMax, (await Run("SETRANGE", "padded", Text(WriteBytesMax - 1), "x")).AsInteger()));

        // APPEND grows a value to the limit, 4 MiB at a time; each entry carries the value it replaces.
        var chunk = new string('a', WriteBytesMax / 2);
        for (var length = chunk.Length; length <= WriteBytesMax; length += chunk.Length)
        {
            var expected = length;
            await MeasureAsync(cluster, pids, $"APPEND to {expected >> 20} MiB", expected, async () =>
                Assert.Equal(expected, (await Run("APPEND", "grown", chunk)).AsInteger()));
        }

        var elements = Enumerable.Range(0, Elements).Select(i => i.ToString("D8", CultureInfo.InvariantCulture).PadRight(ElementBytes, 'e')).ToArray();
        await MeasureAsync(cluster, pids, $"RPUSH {Elements} x {ElementBytes} B", WriteBytesMax, async () =>
            Assert.Equal(Elements, (await Run(["RPUSH", "list", .. elements])).AsInteger()));
        await MeasureAsync(cluster, pids, "LRANGE list 0 -1", WriteBytesMax, async () =>
            Assert.Equal(Elements, (await Run("LRANGE", "list", "0", "-1")).Items.Count));

        var fieldsAndValues = elements.Take(Elements / 2).SelectMany(e => new[] { e[..8], e + e[..(ElementBytes - 8)] });
        await MeasureAsync(cluster, pids, $"HSET {Elements / 2} fields of {2 * ElementBytes - 8} B", WriteBytesMax, async () =>
            Assert.Equal(Elements / 2, (await Run(["HSET", "hash", .. fieldsAndValues])).AsInteger()));
        await MeasureAsync(cluster, pids, "HGETALL hash", WriteBytesMax, async () =>
            Assert.Equal(Elements, (await Run("HGETALL", "hash")).Items.Count));

        foreach (var follower in new[] { "n2", "n3" })
        {
            await cluster.AssertConvergedAsync("n1", follower);
        }
        Assert.Equal("leader", (await cluster.InfoAsync("n1"))["chorus_role"]);
    }

    /// <summary>Runs <paramref name="command"/> and waits until it has replicated; asserts every node's peak growth meanwhile.</summary>
    private async Task MeasureAsync(ProcessCluster cluster, Dictionary<string, int> pids, string what, long resultBytes, Func<Task> command)
    {
        var before = pids.ToDictionary(p => p.Key, p => PeakMemory.Reset(p.Value));
        await command();
        await cluster.WaitForReplicationAsync();
        var boundBytes = PeakPerResultByteMax * resultBytes + SlackBytes;
        foreach (var (id, pid) in pids)
        {
            var growthBytes = PeakMemory.Peak(pid) - before[id];
            output.WriteLine($"{what,-32} {id}: peak +{Mb(growthBytes)} MB over {Mb(before[id])} MB (result {Mb(resultBytes)} MB, bound {Mb(boundBytes)} MB)");
            Assert.True(growthBytes <= boundBytes,
                $"{what} took {id} {Mb(growthBytes)} MB above its {Mb(before[id])} MB, more than {PeakPerResultByteMax} x its {Mb(resultBytes)} MB result + {Mb(SlackBytes)} MB");
        }
    }

    private static string Mb(long bytes) => (bytes / 1048576.0).ToString("0.0", CultureInfo.InvariantCulture);

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
