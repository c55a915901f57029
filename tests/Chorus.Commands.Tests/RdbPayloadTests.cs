using System.Buffers.Binary;
using System.IO.Hashing;
using Chorus.Commands.Values;
using static Chorus.Commands.Tests.Support.Replies;

namespace Chorus.Commands.Tests;

/// <summary>
/// DUMP/RESTORE's payloads (Redis 7.0 cluster.c; docs/compatibility.md): Redis's RDB payload is
/// what DUMP writes and RESTORE reads, and RESTORE still takes the payload Chorus's DUMP wrote
/// before (a type byte, the value, format version 1, xxHash64), which a client may have kept.
/// The round trips against redis-server itself are in Chorus.Compat.Tests (DumpRestoreTests).
/// </summary>
public sealed class RdbPayloadTests
{
    private readonly CommandHarness _h = new();

    [Fact]
    public void Restore_still_takes_chorus_older_payload()
    {
        byte[] body = [(byte)DataType.String, 0x02, (byte)'o', (byte)'k', 0x01, 0x00];
        var legacy = new byte[body.Length + 8];
        body.CopyTo(legacy, 0);
        BinaryPrimitives.WriteUInt64LittleEndian(legacy.AsSpan(body.Length), XxHash64.HashToUInt64(body));
        Assert.Equal(Ok, _h.RunBytes("RESTORE"u8.ToArray(), "old"u8.ToArray(), "0"u8.ToArray(), legacy));
        Assert.Equal(Bulk("ok"), _h.Run("GET", "old"));
    }

    [Fact]
    public void Dump_writes_redis_encodings_for_each_type_and_restore_reads_them_back()
    {
        _h.Run("RPUSH", "l", "a", "", "123");
        _h.Run("SADD", "s", "x", "1");
        _h.Run("ZADD", "z", "1.5", "m", "-inf", "n");
        _h.Run("HSET", "h", "f", "v");
        foreach (var (key, rdbType) in new[] { ("l", 1), ("s", 2), ("z", 5), ("h", 4) })
        {
            var payload = _h.Run("DUMP", key).Bytes.ToArray();
            Assert.Equal(rdbType, payload[0]);
            Assert.Equal(10, BinaryPrimitives.ReadUInt16LittleEndian(payload.AsSpan(payload.Length - 10)));
            Assert.Equal(Ok, _h.RunBytes("RESTORE"u8.ToArray(), [.. "copy-"u8, .. System.Text.Encoding.ASCII.GetBytes(key)], "0"u8.ToArray(), payload));
        }
        Assert.Equal(_h.Run("LRANGE", "l", "0", "-1"), _h.Run("LRANGE", "copy-l", "0", "-1"));
        Assert.Equal(_h.Run("ZRANGE", "z", "0", "-1", "WITHSCORES"), _h.Run("ZRANGE", "copy-z", "0", "-1", "WITHSCORES"));
        Assert.Equal(_h.Run("HGETALL", "h"), _h.Run("HGETALL", "copy-h"));
        Assert.Equal(Int(2), _h.Run("SINTERCARD", "2", "s", "copy-s"));
    }

    [Fact]
    public void A_payload_whose_checksum_matches_but_whose_object_is_malformed_is_bad_data()
    {
        // A list (RDB type 1) that announces 3 elements and holds 1.
        byte[] body = [0x01, 0x03, 0x01, (byte)'a', 0x0A, 0x00];
        var payload = new byte[body.Length + 8];
        body.CopyTo(payload, 0);
        BinaryPrimitives.WriteUInt64LittleEndian(payload.AsSpan(body.Length), Crc64(body));
        Assert.Equal(Err("ERR Bad data format"), _h.RunBytes("RESTORE"u8.ToArray(), "bad"u8.ToArray(), "0"u8.ToArray(), payload));
    }

    /// <summary>Redis's crc64.c, bit by bit (the product code uses a table): reflected Jones polynomial.</summary>
    private static ulong Crc64(ReadOnlySpan<byte> data)
    {
        ulong crc = 0;
        foreach (var b in data)
        {
            crc ^= b;
            for (var bit = 0; bit < 8; bit++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x95ac9329ac4bc9b5 : crc >> 1;
            }
        }
        return crc;
    }

    [Fact]
    public void The_checksum_is_redis_crc64_jones()
    {
        // crc64.c's own test vector.
        Assert.Equal(0xe9c6d914c4b8d9caUL, Crc64("123456789"u8));
    }
}
