using System.Buffers.Binary;
using static Chorus.Commands.Tests.Support.Replies;

namespace Chorus.Commands.Tests;

/// <summary>
/// DUMP/RESTORE of streams in Redis 7.0's payload (RDB_TYPE_STREAM_LISTPACKS_2, RDB 10): a stream
/// with entries in several listpack nodes, a deleted entry, consumer groups, pending entries and
/// consumers comes back whole. The round trips against redis-server itself are in
/// Chorus.Compat.Tests (StreamDumpRestoreTests).
/// </summary>
public sealed class RdbStreamPayloadTests
{
    private readonly CommandHarness _h = new();

    [Fact]
    public void A_stream_with_groups_dumps_as_redis_7_writes_it_and_restores_whole()
    {
        _h.Run("XADD", "s", "1-1", "a", "1", "b", "2");
        _h.Run("XADD", "s", "1-2", "a", "3", "b", "4");
        _h.Run("XADD", "s", "2-0", "x", "y");
        for (var i = 0; i < 150; i++)
        {
            _h.Run("XADD", "s", $"{10 + i}-0", "n", $"{i - 75}", "s", new string('v', i * 40));
        }
        _h.Run("XDEL", "s", "1-2");
        _h.Run("XGROUP", "CREATE", "s", "g", "0");
        _h.Run("XREADGROUP", "GROUP", "g", "alice", "COUNT", "2", "STREAMS", "s", ">");
        _h.Run("XREADGROUP", "GROUP", "g", "bob", "COUNT", "1", "STREAMS", "s", ">");
        _h.Run("XGROUP", "CREATECONSUMER", "s", "g", "idle");

        var payload = _h.Run("DUMP", "s").Bytes.ToArray();

        Assert.Equal(19, payload[0]);
        Assert.Equal(10, BinaryPrimitives.ReadUInt16LittleEndian(payload.AsSpan(payload.Length - 10)));
        Assert.Equal(Ok, _h.RunBytes("RESTORE"u8.ToArray(), "copy"u8.ToArray(), "0"u8.ToArray(), payload));
        foreach (var read in new[] { new[] { "XRANGE", "{0}", "-", "+" }, ["XINFO", "GROUPS", "{0}"], ["XPENDING", "{0}", "g"], ["XPENDING", "{0}", "g", "-", "+", "10", "alice"] })
        {
            Assert.Equal(_h.Run([.. read.Select(a => a.Replace("{0}", "s"))]), _h.Run([.. read.Select(a => a.Replace("{0}", "copy"))]));
        }
        Assert.Equal(Err("ERR The ID specified in XADD is equal or smaller than the target stream top item"), _h.Run("XADD", "copy", "159-0", "f", "v"));
        Assert.Equal(_h.Run("DUMP", "s"), _h.Run("DUMP", "copy"));
    }

    [Fact]
    public void An_empty_stream_with_a_group_restores()
    {
        _h.Run("XGROUP", "CREATE", "e", "g", "$", "MKSTREAM");
        var payload = _h.Run("DUMP", "e").Bytes.ToArray();
        Assert.Equal(Ok, _h.RunBytes("RESTORE"u8.ToArray(), "e2"u8.ToArray(), "0"u8.ToArray(), payload));
        Assert.Equal(Int(0), _h.Run("XLEN", "e2"));
        Assert.Equal(_h.Run("XINFO", "GROUPS", "e"), _h.Run("XINFO", "GROUPS", "e2"));
    }
}
