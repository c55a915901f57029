using Chorus.Client;
using Chorus.Resp;
using static Chorus.Compat.Tests.DumpRestoreTests;

namespace Chorus.Compat.Tests;

/// <summary>
/// Issue 15, DUMP/RESTORE of streams in Redis 7.0's payload (RDB 10, RDB_TYPE_STREAM_LISTPACKS_2):
/// a stream — entries with their own and shared field names, a deleted entry, several listpack
/// nodes, consumer groups with pending entries, consumers and an idle consumer — DUMPed by
/// redis-server RESTOREs into Chorus and one DUMPed by Chorus RESTOREs into redis-server; both
/// then read the same (entries, groups, pending summaries, stream metadata but Redis's radix-tree
/// sizes, which Chorus only imitates: docs/compatibility.md).
/// </summary>
[Collection(RealServersCollection.Name)]
public sealed class StreamDumpRestoreTests(RealServers real)
{

    private static readonly string[][] Build =
    [
        ["XADD", "k", "1-1", "a", "1", "b", "2"],
        ["XADD", "k", "1-2", "a", "3", "b", "4"],
        ["XADD", "k", "2-0", "x", "y"],
        ["XADD", "k", "3-5", "a", "-70000", "b", new string('v', 5000)],
        .. Enumerable.Range(0, 230).Select(i => new[] { "XADD", "k", $"{10 + i}-{i % 3}", "n", $"{i}", "s", $"item-{i}" }),
        ["XDEL", "k", "1-2"],
        ["XGROUP", "CREATE", "k", "g1", "0"],
        ["XREADGROUP", "GROUP", "g1", "alice", "COUNT", "3", "STREAMS", "k", ">"],
        ["XREADGROUP", "GROUP", "g1", "bob", "COUNT", "2", "STREAMS", "k", ">"],
        ["XACK", "k", "g1", "2-0"],
        ["XGROUP", "CREATE", "k", "g2", "$"],
        ["XGROUP", "CREATECONSUMER", "k", "g2", "carol"],
    ];

    private static readonly string[][] Reads =
    [
        ["XRANGE", "k", "-", "+"],
        ["XLEN", "k"],
        ["XINFO", "GROUPS", "k"],
        ["XPENDING", "k", "g1"],
        ["XPENDING", "k", "g2"],
    ];

    [Fact]
    public Task A_redis_stream_dump_restores_into_chorus() => RoundTripAsync(real.Servers.Redis.Connection, real.Servers.Chorus.Connection);

    [Fact]
    public Task A_chorus_stream_dump_restores_into_redis() => RoundTripAsync(real.Servers.Chorus.Connection, real.Servers.Redis.Connection);

    private static async Task RoundTripAsync(RespConnection from, RespConnection to)
    {
        await Command(from, "DEL", "k");
        foreach (var command in Build)
        {
            var reply = await Command(from, command);
            Assert.False(reply.IsError, $"{string.Join(' ', command)}: {reply}");
        }
        var dump = await Command(from, "DUMP", "k");
        Assert.Equal(RespValueKind.BulkString, dump.Kind);
        Assert.Equal("OK", (await Command(to, "RESTORE", "k", "0", dump.Bytes.ToArray(), "REPLACE")).AsString());
        foreach (var read in Reads)
        {
            Assert.Equal((await Command(from, read)).ToString(), (await Command(to, read)).ToString());
        }
        Assert.Equal(Metadata(await Command(from, "XINFO", "STREAM", "k")), Metadata(await Command(to, "XINFO", "STREAM", "k")));
        // The restored stream goes on where the original would: its last id and counters came along.
        Assert.Equal((await Command(from, "XADD", "k", "239-2", "f", "v")).ToString(), (await Command(to, "XADD", "k", "239-2", "f", "v")).ToString());
        Assert.Equal((await Command(from, "XREADGROUP", "GROUP", "g1", "alice", "COUNT", "2", "STREAMS", "k", "0")).ToString(),
            (await Command(to, "XREADGROUP", "GROUP", "g1", "alice", "COUNT", "2", "STREAMS", "k", "0")).ToString());
    }

    /// <summary>XINFO STREAM without Redis's radix-tree sizes.</summary>
    private static string Metadata(RespValue info) =>
        string.Join("\n", info.Items.Chunk(2).Where(p => !(p[0].AsString() ?? "").StartsWith("radix-tree", StringComparison.Ordinal)).Select(p => $"{p[0]} {p[1]}"));

}
