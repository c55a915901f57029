using System.Text;
using Chorus.Client;
using Chorus.Resp;

namespace Chorus.Compat.Tests;

/// <summary>
/// Issue 15, DUMP/RESTORE in Redis 7.0's own payload format (RDB version 10, CRC-64 Jones): a
/// value DUMPed by redis-server RESTOREs into Chorus, and one DUMPed by Chorus RESTOREs into
/// redis-server, for every type DUMP supports, in each of the encodings Redis 7.0 picks for it
/// (integer and LZF-compressed strings; quicklists of listpacks; intsets and hash-table sets;
/// listpack and skiplist sorted sets; listpack and hash-table hashes). Both read back the same.
/// </summary>
[Collection(RealServersCollection.Name)]
public sealed class DumpRestoreTests(RealServers real)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public static TheoryData<string> Cases => [.. Values.Keys];

    private static readonly Dictionary<string, (string[][] Build, string[] Read)> Values = new()
    {
        ["integer string"] = ([["SET", "k", "12345"]], ["GET", "k"]),
        ["negative integer string"] = ([["SET", "k", "-9223372036854775808"]], ["GET", "k"]),
        ["short string"] = ([["SET", "k", "hello\r\n\0"]], ["GET", "k"]),
        ["compressible string"] = ([["SET", "k", string.Concat(Enumerable.Repeat("abcde", 200))]], ["GET", "k"]),
        ["small list"] = ([["RPUSH", "k", "a", "1", "-5", "300", "70000", "-70000", "5000000000", "", new string('x', 100), new string('y', 5000)]], ["LRANGE", "k", "0", "-1"]),
        ["long list"] = ([["RPUSH", "k", .. Enumerable.Range(0, 2000).Select(i => i % 3 == 0 ? i.ToString() : "item-" + i)]], ["LRANGE", "k", "0", "-1"]),
        ["integer set"] = ([["SADD", "k", "1", "2", "-100", "100000", "5000000000"]], ["SMEMBERS", "k"]),
        ["string set"] = ([["SADD", "k", "a", "b", "", "1x"]], ["SMEMBERS", "k"]),
        ["large set"] = ([["SADD", "k", .. Enumerable.Range(0, 600).Select(i => i.ToString())]], ["SMEMBERS", "k"]),
        ["small sorted set"] = ([["ZADD", "k", "1.5", "a", "-2", "b", "3", "c", "inf", "d", "-inf", "e", "1e300", "f", "0.1", "g", "7", "h"]], ["ZRANGE", "k", "0", "-1", "WITHSCORES"]),
        ["large sorted set"] = ([["ZADD", "k", .. Enumerable.Range(0, 300).SelectMany(i => new[] { (i * 0.37).ToString(System.Globalization.CultureInfo.InvariantCulture), "m" + i })]], ["ZRANGE", "k", "0", "-1", "WITHSCORES"]),
        ["small hash"] = ([["HSET", "k", "f1", "v1", "f2", "123", "f3", "-7", "", "empty"]], ["HGETALL", "k"]),
        ["large hash"] = ([["HSET", "k", .. Enumerable.Range(0, 300).SelectMany(i => new[] { "f" + i, "v" + i })]], ["HGETALL", "k"]),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public Task A_redis_dump_restores_into_chorus(string name) =>
        RoundTripAsync(name, real.Servers.Redis.Connection, real.Servers.Chorus.Connection);

    [Theory]
    [MemberData(nameof(Cases))]
    public Task A_chorus_dump_restores_into_redis(string name) =>
        RoundTripAsync(name, real.Servers.Chorus.Connection, real.Servers.Redis.Connection);

    /// <summary>Builds the value on <paramref name="from"/>, DUMPs it, RESTOREs it on <paramref name="to"/>: both read the same.</summary>
    private static async Task RoundTripAsync(string name, RespConnection from, RespConnection to)
    {
        var (build, read) = Values[name];
        var payload = await BuildAndDumpAsync(from, build);
        Assert.Equal("OK", (await Command(to, "RESTORE", "k", "0", payload, "REPLACE")).AsString());
        Assert.Equal(Normal(read[0], await Command(from, read)), Normal(read[0], await Command(to, read)));
    }

    [Fact]
    public async Task A_payload_with_a_wrong_checksum_or_a_later_rdb_version_is_refused_as_redis_does()
    {
        var payload = await BuildAndDumpAsync(real.Servers.Redis.Connection, [["SET", "k", "v"]]);
        var flipped = (byte[])payload.Clone();
        flipped[^1] ^= 1;
        var later = (byte[])payload.Clone();
        later[^10] = 11;
        foreach (var bad in new[] { flipped, later, payload[..5] })
        {
            var redis = await Command(real.Servers.Redis.Connection, "RESTORE", "bad", "0", bad);
            var chorus = await Command(real.Servers.Chorus.Connection, "RESTORE", "bad", "0", bad);
            Assert.Equal("ERR DUMP payload version or checksum are wrong", redis.AsString());
            Assert.Equal(redis.AsString(), chorus.AsString());
        }
    }

    private static async Task<byte[]> BuildAndDumpAsync(RespConnection server, string[][] build)
    {
        await Command(server, "DEL", "k");
        foreach (var command in build)
        {
            Assert.False((await Command(server, command)).IsError);
        }
        var dump = await Command(server, "DUMP", "k");
        Assert.Equal(RespValueKind.BulkString, dump.Kind);
        return dump.Bytes.ToArray();
    }

    /// <summary>The reply as text lines; SMEMBERS's members and HGETALL's pairs sorted (Redis defines no order).</summary>
    private static string Normal(string command, RespValue reply)
    {
        if (reply.Kind is not (RespValueKind.Array or RespValueKind.Set or RespValueKind.Map))
        {
            return reply.ToString();
        }
        var items = reply.Items.Select(i => i.AsString() ?? "").ToList();
        IEnumerable<string> lines = command switch
        {
            "SMEMBERS" => items.Order(StringComparer.Ordinal),
            "HGETALL" => items.Chunk(2).Select(p => p[0] + " = " + p[1]).Order(StringComparer.Ordinal),
            _ => items,
        };
        return string.Join("\n", lines);
    }

    /// <summary>Sends a command (arguments as strings or raw bytes); StreamDumpRestoreTests uses it too.</summary>
    internal static Task<RespValue> Command(RespConnection server, params object[] args) =>
        server.CommandAsync(Cancel, [.. args.Select(a => a as byte[] ?? Encoding.UTF8.GetBytes((string)a))]);

    internal static Task<RespValue> Command(RespConnection server, string[] args) =>
        server.CommandAsync(Cancel, [.. args.Select(Encoding.UTF8.GetBytes)]);
}
