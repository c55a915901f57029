using System.Diagnostics;
using System.Text;
using Chorus.Client;
using Chorus.Resp;
using Chorus.Server.Tests.Support;

namespace Chorus.Server.Tests.Resp;

/// <summary>
/// What test harnesses and client libraries' own test suites send before their tests: CONFIG SET
/// of Redis's tuning parameters (accepted as no-ops), DEBUG subcommands, and commands that do
/// not exist. Expected replies are redis-server 7.0.15's, byte for byte (the differential tests
/// in tests/Chorus.Compat compare them continuously).
/// </summary>
public sealed class DebugAndConfigTests(SingleNode node) : IClassFixture<SingleNode>, IAsyncLifetime
{
    private RespConnection _connection = null!;

    public async ValueTask InitializeAsync() =>
        _connection = await RespConnection.ConnectAsync("127.0.0.1", node.Port, TimeSpan.FromSeconds(5), CancellationToken.None);

    public async ValueTask DisposeAsync() => await _connection.DisposeAsync();

    private async Task<RespValue> RunAsync(params object[] args)
    {
        byte[][] command = [.. args.Select(a => a as byte[] ?? Encoding.UTF8.GetBytes((string)a))];
        return (await _connection.PipelineAsync([command], CancellationToken.None))[0];
    }

    [Fact]
    public async Task Unknown_commands_quote_the_client_s_bytes_as_c_strings_cut_at_128_bytes()
    {
        byte[] name = [0xf0, 0x9d, 0x17, (byte)'@', 0xb7];
        var reply = await RunAsync(name, "-nan", new string('x', 200));
        byte[] expected = [.. "ERR unknown command '"u8, .. name, .. "', with args beginning with: '-nan' '"u8, .. Encoding.ASCII.GetBytes(new string('x', 121)), .. "' "u8];
        Assert.Equal(RespValueKind.Error, reply.Kind);
        Assert.Equal(expected, reply.Bytes.ToArray());
        Assert.Equal("ERR unknown command 'ab', with args beginning with: 'c' ", (await RunAsync("ab\0cd", "c\0d")).AsString());
    }

    [Fact]
    public async Task Debug_sleep_delays_only_its_own_connection()
    {
        Assert.Equal("OK", (await RunAsync("DEBUG", "SLEEP", "0")).AsString());
        await using var other = await RespConnection.ConnectAsync("127.0.0.1", node.Port, TimeSpan.FromSeconds(5), CancellationToken.None);
        var slept = Stopwatch.StartNew();
        var sleeping = RunAsync("DEBUG", "SLEEP", "3");
        Assert.Equal("PONG", (await other.CommandAsync(CancellationToken.None, "PING")).AsString());
        Assert.False(sleeping.IsCompleted, "another connection is served while one sleeps");
        Assert.Equal("OK", (await sleeping).AsString());
        Assert.True(slept.Elapsed >= TimeSpan.FromSeconds(2.9), $"slept {slept.Elapsed}");
    }

    [Fact]
    public async Task Debug_error_and_protocol_reply_as_redis_does()
    {
        Assert.Equal(RespValue.Error("boom  x"), await RunAsync("DEBUG", "ERROR", "boom\r\nx"));
        Assert.Equal(RespValue.Error("ERR RESP2 is not supported by this command"), await RunAsync("DEBUG", "PROTOCOL", "push"));
        Assert.Equal(RespValue.Array(RespValue.FromInteger(0), RespValue.FromInteger(0), RespValue.FromInteger(1), RespValue.FromInteger(1), RespValue.FromInteger(2), RespValue.FromInteger(0)),
            await RunAsync("DEBUG", "PROTOCOL", "map"));
        await RunAsync("HELLO", "3");
        var map = RespValue.Map(RespValue.FromInteger(0), RespValue.FromBoolean(false), RespValue.FromInteger(1), RespValue.FromBoolean(true), RespValue.FromInteger(2), RespValue.FromBoolean(false));
        Assert.Equal(map, await RunAsync("DEBUG", "PROTOCOL", "map"));
        Assert.Equal(RespValue.BigNumber("1234567999999999999999999999999999999"), await RunAsync("DEBUG", "PROTOCOL", "bignum"));
        Assert.Equal(RespValue.Verbatim("txt", "This is a verbatim\nstring"u8), await RunAsync("DEBUG", "PROTOCOL", "verbatim"));
        var attributed = await RunAsync("DEBUG", "PROTOCOL", "attrib");
        Assert.Equal("Some real reply following the attribute", attributed.AsString());
        Assert.Equal(RespValue.Attribute(RespValue.BulkString("key-popularity"), RespValue.Array(RespValue.BulkString("key:123"), RespValue.FromInteger(90))), attributed.Attributes);
        await RunAsync("HELLO", "2");
    }

    [Fact]
    public async Task Debug_object_digest_and_unknown_subcommands()
    {
        Assert.Equal(RespValue.Error("ERR no such key"), await RunAsync("DEBUG", "OBJECT", "dbg:missing"));
        await RunAsync("SET", "dbg:k", "hello");
        var line = (await RunAsync("DEBUG", "OBJECT", "dbg:k")).AsString()!;
        Assert.StartsWith("Value at:", line, StringComparison.Ordinal);
        Assert.Contains(" encoding:rocksdb serializedlength:", line, StringComparison.Ordinal);
        var digest = (await RunAsync("DEBUG", "DIGEST")).AsString()!;
        Assert.Equal(40, digest.Length);
        Assert.NotEqual(new string('0', 40), digest);
        Assert.Equal("OK", (await RunAsync("DEBUG", "SET-ACTIVE-EXPIRE", "0")).AsString());
        Assert.Equal("OK", (await RunAsync("DEBUG", "SET-ACTIVE-EXPIRE", "1")).AsString());
        Assert.Equal(RespValue.Error("ERR unknown subcommand or wrong number of arguments for 'jmap'. Try DEBUG HELP."), await RunAsync("debug", "jmap"));
        Assert.Equal(RespValue.Error("ERR unknown subcommand or wrong number of arguments for 'sleep'. Try DEBUG HELP."), await RunAsync("DEBUG", "sleep"));
    }

    [Fact]
    public async Task Tuning_parameters_are_accepted_checked_and_reported_back()
    {
        Assert.Equal("OK", (await RunAsync("CONFIG", "SET", "hash-max-ziplist-entries", "64", "lazyfree-lazy-user-del", "YES")).AsString());
        Assert.Equal(Pairs("hash-max-listpack-entries", "64"), await RunAsync("CONFIG", "GET", "hash-max-listpack-entries"));
        Assert.Equal(Pairs("lazyfree-lazy-user-del", "yes"), await RunAsync("CONFIG", "GET", "lazyfree-lazy-user-del"));
        await RunAsync("CONFIG", "SET", "hz", "1000", "stream-node-max-bytes", "4kb");
        Assert.Equal(Pairs("hz", "500"), await RunAsync("CONFIG", "GET", "hz"));
        Assert.Equal(Pairs("stream-node-max-bytes", "4096"), await RunAsync("CONFIG", "GET", "stream-node-max-bytes"));
        Assert.Equal("OK", (await RunAsync("CONFIG", "SET", "appendonly", "no", "save", "")).AsString());
        Assert.Equal(Pairs("appendonly", "yes"), await RunAsync("CONFIG", "GET", "appendonly"));   // Chorus's truth
    }

    [Theory]
    [InlineData("ERR CONFIG SET failed (possibly related to argument 'maxmemory-policy') - argument(s) must be one of the following: volatile-lru, volatile-lfu, volatile-random, volatile-ttl, allkeys-lru, allkeys-lfu, allkeys-random, noeviction", "SET", "maxmemory-policy", "sometimes")]
    [InlineData("ERR CONFIG SET failed (possibly related to argument 'hz') - argument couldn't be parsed into an integer", "SET", "Hz", "+5")]
    [InlineData("ERR CONFIG SET failed (possibly related to argument 'hash-max-listpack-value') - argument must be a memory value", "SET", "hash-max-listpack-value", "-5")]
    [InlineData("ERR CONFIG SET failed (possibly related to argument 'HZ') - duplicate parameter", "SET", "hz", "1", "HZ", "2")]
    [InlineData("ERR Unknown option or number of arguments for CONFIG SET - 'NOSUCH'", "SET", "hz", "abc", "NOSUCH", "1")]
    [InlineData("ERR wrong number of arguments for 'config|set' command", "SET", "hz")]
    [InlineData("ERR syntax error", "SET", "hz", "1", "dynamic-hz")]
    [InlineData("ERR unknown subcommand 'nosuch'. Try CONFIG HELP.", "nosuch")]
    public async Task Config_errors_have_redis_wording(string expected, params string[] args)
    {
        Assert.Equal(RespValue.Error(expected), await RunAsync(["CONFIG", .. args]));
    }

    private static RespValue Pairs(string name, string value) => RespValue.Array(RespValue.BulkString(name), RespValue.BulkString(value));
}
