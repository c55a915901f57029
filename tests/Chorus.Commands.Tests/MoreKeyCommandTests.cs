using Chorus.Resp;
using static Chorus.Commands.Tests.Support.Replies;

namespace Chorus.Commands.Tests;

/// Redis 7.0 docs, db.c, object.c, cluster.c and sort.c: COPY, OBJECT, DUMP/RESTORE, SORT/SORT_RO, LCS.
public sealed class MoreKeyCommandTests : IDisposable
{
    private readonly CommandHarness _h = new();

    public void Dispose() => _h.Dispose();

    [Fact]
    public void Copy_copies_a_value_with_its_ttl_and_a_collection_in_one_small_change()
    {
        _h.Run(["HSET", "h", .. Enumerable.Range(0, 300).SelectMany(i => new[] { $"f{i}", $"v{i}" })]);
        _h.Run("PEXPIRE", "h", "50000");
        Assert.Equal(Int(1), _h.Run("COPY", "h", "copy"));
        Assert.True(_h.LastPayload!.Length < 64, $"COPY logged {_h.LastPayload.Length} bytes");
        _h.Run("HSET", "h", "f1", "changed");
        Assert.Equal(Bulk("v1"), _h.Run("HGET", "copy", "f1"));
        Assert.Equal(Int(50000), _h.Run("PTTL", "copy"));
        Assert.Equal(Int(0), _h.Run("COPY", "h", "copy"));
        Assert.Equal(Int(1), _h.Run("COPY", "h", "copy", "REPLACE"));
        Assert.Equal(Bulk("changed"), _h.Run("HGET", "copy", "f1"));
        Assert.Equal(Int(1), _h.Run("COPY", "h", "h", "DB", "4"));
        _h.Db = 4;
        Assert.Equal(Int(300), _h.Run("HLEN", "h"));
    }

    [Fact]
    public void Copy_reports_redis_errors()
    {
        _h.Run("SET", "s", "v");
        Assert.Equal(Int(0), _h.Run("COPY", "missing", "x"));
        Assert.Equal(Err("ERR source and destination objects are the same"), _h.Run("COPY", "s", "s"));
        Assert.Equal(Err("ERR DB index is out of range"), _h.Run("COPY", "s", "t", "DB", "16"));
        Assert.Equal(Err("ERR value is not an integer or out of range"), _h.Run("COPY", "s", "t", "DB", "x"));
        Assert.Equal(Err("ERR syntax error"), _h.Run("COPY", "s", "t", "FOO"));
    }

    [Fact]
    public void Object_reports_redis_encodings_and_no_access_statistics()
    {
        _h.Run("SET", "int", "10");
        _h.Run("SET", "short", "abc");
        _h.Run("SET", "long", new string('x', 45));
        _h.Run("SADD", "ints", "1", "2");
        _h.Run("SADD", "words", "a");
        _h.Run("HSET", "h", "f", "v");
        _h.Run("HSET", "big", "f", new string('v', 65));
        _h.Run("RPUSH", "l", "a");
        _h.Run("ZADD", "z", "1", "a");
        foreach (var (key, encoding) in new[] { ("int", "int"), ("short", "embstr"), ("long", "raw"), ("ints", "intset"), ("words", "hashtable"), ("h", "listpack"), ("big", "hashtable"), ("l", "quicklist"), ("z", "listpack") })
        {
            Assert.Equal(Bulk(encoding), _h.Run("OBJECT", "ENCODING", key));
        }
        Assert.Equal(Nil, _h.Run("OBJECT", "ENCODING", "missing"));
        Assert.Equal(Int(0), _h.Run("OBJECT", "IDLETIME", "h"));
        Assert.Equal(Int(2147483647), _h.Run("OBJECT", "REFCOUNT", "int"));
        Assert.Equal(Int(1), _h.Run("OBJECT", "REFCOUNT", "h"));
        Assert.StartsWith("ERR An LFU maxmemory policy is not selected", _h.Run("OBJECT", "FREQ", "h").AsString());
        Assert.Equal(15, _h.Run("OBJECT", "HELP").Items.Count);
        Assert.Equal(Err("ERR unknown subcommand 'FOO'. Try OBJECT HELP."), _h.Run("OBJECT", "FOO", "h"));
        Assert.Equal(Err("ERR wrong number of arguments for 'object|encoding' command"), _h.Run("OBJECT", "ENCODING"));
    }

    [Fact]
    public void Dump_and_restore_round_trip_every_type()
    {
        _h.Run("SET", "s", "string");
        _h.Run("HSET", "h", "f", "v", "g", "w");
        _h.Run("SADD", "set", "a", "b");
        _h.Run("ZADD", "z", "1.5", "a", "-inf", "b");
        _h.Run("RPUSH", "l", "x", "y", "x");
        foreach (var key in new[] { "s", "h", "set", "z", "l" })
        {
            var payload = _h.Run("DUMP", key).Bytes.ToArray();
            Assert.Equal(Ok, _h.RunBytes("RESTORE"u8.ToArray(), [.. "copy-"u8, .. System.Text.Encoding.UTF8.GetBytes(key)], "0"u8.ToArray(), payload));
        }
        Assert.Equal(Bulk("string"), _h.Run("GET", "copy-s"));
        Assert.Equal(Bulk("w"), _h.Run("HGET", "copy-h", "g"));
        Assert.Equal(["a", "b"], _h.Run("SMEMBERS", "copy-set").Sorted());
        Assert.Equal(Arr("b", "-inf", "a", "1.5"), _h.Run("ZRANGE", "copy-z", "0", "-1", "WITHSCORES"));
        Assert.Equal(Arr("x", "y", "x"), _h.Run("LRANGE", "copy-l", "0", "-1"));
    }

    [Fact]
    public void Restore_sets_ttls_takes_redis_payloads_and_refuses_existing_keys_and_corrupt_payloads()
    {
        _h.Run("SET", "s", "v");
        var payload = _h.Run("DUMP", "s").Bytes.ToArray();
        Assert.Equal(Err("BUSYKEY Target key name already exists."), _h.RunBytes("RESTORE"u8.ToArray(), "s"u8.ToArray(), "0"u8.ToArray(), payload));
        Assert.Equal(Ok, _h.RunBytes("RESTORE"u8.ToArray(), "s"u8.ToArray(), "5000"u8.ToArray(), payload, "REPLACE"u8.ToArray()));
        Assert.Equal(Int(5000), _h.Run("PTTL", "s"));
        var past = (CommandHarness.StartMs - 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(Ok, _h.RunBytes("RESTORE"u8.ToArray(), "gone"u8.ToArray(), System.Text.Encoding.ASCII.GetBytes(past), payload, "ABSTTL"u8.ToArray()));
        Assert.Equal(Int(0), _h.Run("EXISTS", "gone"));
        // A Redis 7.0 DUMP of the string "v": RDB type 0, the value, RDB version 10, CRC64 (Chorus's DUMP is the same bytes).
        byte[] redisPayload = [0x00, 0x01, 0x76, 0x0A, 0x00, 0x91, 0x08, 0xCE, 0xB2, 0x19, 0x38, 0x8A, 0xCE]; // redis-cli DUMP, redis-server 7.0.15
        Assert.Equal(redisPayload, payload);
        Assert.Equal(Ok, _h.RunBytes("RESTORE"u8.ToArray(), "x"u8.ToArray(), "0"u8.ToArray(), redisPayload));
        Assert.Equal(Bulk("v"), _h.Run("GET", "x"));
        _h.Run("DEL", "x");
        var altered = payload.ToArray();
        altered[1] ^= 0x01;
        Assert.Equal(Err("ERR DUMP payload version or checksum are wrong"), _h.RunBytes("RESTORE"u8.ToArray(), "x"u8.ToArray(), "0"u8.ToArray(), altered));
        Assert.Equal(Err("ERR DUMP payload version or checksum are wrong"), _h.Run("RESTORE", "x", "0", "garbage"));
        Assert.Equal(Err("ERR Invalid TTL value, must be >= 0"), _h.Run("RESTORE", "x", "-1", "garbage"));
        Assert.Equal(Err("ERR syntax error"), _h.Run("RESTORE", "x", "0", "garbage", "FOO"));
        Assert.Equal(Err("ERR Invalid FREQ value, must be >= 0 and <= 255"), _h.Run("RESTORE", "x", "0", "garbage", "FREQ", "256"));
        Assert.Equal(Nil, _h.Run("DUMP", "missing"));
    }

    [Fact]
    public void Sort_sorts_numerically_or_by_bytes_by_other_keys_and_stores_a_list()
    {
        _h.Run("RPUSH", "l", "3", "1", "2", "10");
        Assert.Equal(Arr("1", "2", "3", "10"), _h.Run("SORT", "l"));
        Assert.Equal(Arr("10", "3"), _h.Run("SORT", "l", "DESC", "LIMIT", "0", "2"));
        Assert.Equal(Arr("1", "10", "2", "3"), _h.Run("SORT", "l", "ALPHA"));
        Assert.Equal(Arr("3", "1", "2", "10"), _h.Run("SORT", "l", "BY", "nosort"));
        Assert.Equal(Arr("10", "2", "1", "3"), _h.Run("SORT", "l", "BY", "nosort", "DESC"));
        _h.Run("MSET", "w_1", "30", "w_2", "20", "w_3", "10");
        _h.Run("HSET", "h_1", "name", "one");
        Assert.Equal(Arr("10", "3", "2", "1"), _h.Run("SORT", "l", "BY", "w_*"));
        Assert.Equal(Arr(Bulk("1"), Bulk("one"), Bulk("2"), Nil), _h.Run("SORT", "l", "LIMIT", "0", "2", "GET", "#", "GET", "h_*->name"));
        Assert.Equal(Int(4), _h.Run("SORT", "l", "DESC", "STORE", "sorted"));
        Assert.Equal(Arr("10", "3", "2", "1"), _h.Run("LRANGE", "sorted", "0", "-1"));
        Assert.Equal(Arr("1", "2", "3", "10"), _h.Run("SORT_RO", "l"));
        _h.Run("RPUSH", "words", "b", "a");
        Assert.Equal(Err("ERR One or more scores can't be converted into double"), _h.Run("SORT", "words"));
        Assert.Equal(Err("ERR syntax error"), _h.Run("SORT_RO", "l", "STORE", "x"));
        Assert.Equal(Err("ERR syntax error"), _h.Run("SORT", "l", "LIMIT", "0"));
        _h.Run("SET", "str", "v");
        Assert.Equal(WrongType, _h.Run("SORT", "str"));
        Assert.Equal(EmptyArray, _h.Run("SORT", "missing"));
    }

    [Fact]
    public void Sort_of_a_set_or_sorted_set()
    {
        _h.Run("SADD", "s", "3", "1", "2");
        Assert.Equal(Arr("1", "2", "3"), _h.Run("SORT", "s"));
        Assert.Equal(Int(3), _h.Run("SORT", "s", "BY", "nosort", "STORE", "d"));
        Assert.Equal(Arr("1", "2", "3"), _h.Run("LRANGE", "d", "0", "-1"));
        _h.Run("ZADD", "z", "1", "c", "2", "b", "3", "a");
        Assert.Equal(Arr("c", "b", "a"), _h.Run("SORT", "z", "BY", "nosort"));
        Assert.Equal(Arr("a", "b", "c"), _h.Run("SORT", "z", "ALPHA"));
    }

    [Fact]
    public void Lcs_finds_the_longest_common_subsequence_and_its_ranges()
    {
        _h.Run("MSET", "key1", "ohmytext", "key2", "mynewtext");
        Assert.Equal(Bulk("mytext"), _h.Run("LCS", "key1", "key2"));
        Assert.Equal(Int(6), _h.Run("LCS", "key1", "key2", "LEN"));
        Assert.Equal(
            Arr(Bulk("matches"), Arr(Arr(Arr(Int(4), Int(7)), Arr(Int(5), Int(8))), Arr(Arr(Int(2), Int(3)), Arr(Int(0), Int(1)))), Bulk("len"), Int(6)),
            _h.Run("LCS", "key1", "key2", "IDX"));
        Assert.Equal(
            Arr(Bulk("matches"), Arr(Arr(Arr(Int(4), Int(7)), Arr(Int(5), Int(8)), Int(4))), Bulk("len"), Int(6)),
            _h.Run("LCS", "key1", "key2", "IDX", "MINMATCHLEN", "4", "WITHMATCHLEN"));
        Assert.Equal(Bulk(""), _h.Run("LCS", "key1", "missing"));
        Assert.Equal(Err("ERR If you want both the length and indexes, please just use IDX."), _h.Run("LCS", "key1", "key2", "LEN", "IDX"));
        _h.Run("SADD", "set", "a");
        Assert.Equal(Err("ERR The specified keys must contain string values"), _h.Run("LCS", "key1", "set"));
        Assert.Equal(RespValueKind.Map, _h.Run3("LCS", "key1", "key2", "IDX").Kind);
    }
}
