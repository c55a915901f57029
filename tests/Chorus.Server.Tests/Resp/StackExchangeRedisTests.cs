using Chorus.Server.Tests.Support;
using StackExchange.Redis;

namespace Chorus.Server.Tests.Resp;

/// <summary>
/// An unmodified StackExchange.Redis client against a real node: the handshake it performs,
/// and Redis command semantics as that client sees them, errors and expiry included.
/// </summary>
public sealed class StackExchangeRedisTests(SingleNode node) : IClassFixture<SingleNode>
{
    private IDatabase Db => node.Db;

    [Fact]
    public void The_client_connects_and_sees_a_primary()
    {
        Assert.True(node.Redis.IsConnected);
        var server = node.Redis.GetServer("127.0.0.1", node.Port);
        Assert.False(server.IsReplica);
        Assert.Equal(new Version(7, 2, 0), server.Version);
    }

    [Fact]
    public async Task Failover_mode_is_a_cluster_setting_changed_with_config_set()
    {
        var server = node.Redis.GetServer("127.0.0.1", node.Port);
        Assert.Equal("auto", (await server.ConfigGetAsync("chorus-failover")).Single().Value);
        await server.ConfigSetAsync("chorus-failover", "manual");
        Assert.Equal("manual", (await server.ConfigGetAsync("chorus-failover")).Single().Value);
        var info = await server.InfoAsync("replication");
        Assert.Equal("manual", info.SelectMany(g => g).Single(kv => kv.Key == "chorus_failover_mode").Value);
        var error = await Assert.ThrowsAsync<RedisServerException>(() => server.ConfigSetAsync("chorus-failover", "sometimes"));
        Assert.Contains("'sometimes' is not auto or manual", error.Message, StringComparison.Ordinal);
        await server.ConfigSetAsync("chorus-failover", "auto");
    }

    [Fact]
    public async Task Strings_round_trip()
    {
        Assert.True(await Db.StringSetAsync("se:s", "hello"));
        Assert.Equal("hello", await Db.StringGetAsync("se:s"));
        Assert.Equal(11, await Db.StringAppendAsync("se:s", " world"));
        Assert.Equal(11, await Db.StringLengthAsync("se:s"));
        Assert.False(await Db.StringSetAsync("se:s", "x", when: When.NotExists));
        Assert.True((await Db.StringGetAsync("se:missing")).IsNull);
    }

    [Fact]
    public async Task Counters_follow_redis_rules()
    {
        Assert.Equal(1, await Db.StringIncrementAsync("se:c"));
        Assert.Equal(11, await Db.StringIncrementAsync("se:c", 10));
        Assert.Equal(8, await Db.StringDecrementAsync("se:c", 3));
        Assert.Equal(8.5, await Db.StringIncrementAsync("se:c", 0.5));
        await Db.StringSetAsync("se:notnum", "abc");
        var error = await Assert.ThrowsAsync<RedisServerException>(() => Db.StringIncrementAsync("se:notnum"));
        Assert.Equal("ERR value is not an integer or out of range", error.Message);
    }

    [Fact]
    public async Task Wrong_type_is_an_error_and_the_connection_stays_usable()
    {
        await Db.HashSetAsync("se:h", "f", "v");
        var error = await Assert.ThrowsAsync<RedisServerException>(() => Db.StringGetAsync("se:h"));
        Assert.StartsWith("WRONGTYPE", error.Message);
        Assert.Equal("v", await Db.HashGetAsync("se:h", "f"));
    }

    [Fact]
    public async Task Hashes_and_sets_work()
    {
        await Db.HashSetAsync("se:row", [new("a", "1"), new("b", "2")]);
        Assert.Equal(2, await Db.HashLengthAsync("se:row"));
        Assert.Equal(5, await Db.HashIncrementAsync("se:row", "a", 4));
        var all = (await Db.HashGetAllAsync("se:row")).ToDictionary(e => (string)e.Name!, e => (string)e.Value!);
        Assert.Equal(new Dictionary<string, string> { ["a"] = "5", ["b"] = "2" }, all);
        Assert.True(await Db.HashDeleteAsync("se:row", "b"));

        Assert.Equal(3, await Db.SetAddAsync("se:set", ["x", "y", "z"]));
        Assert.True(await Db.SetContainsAsync("se:set", "y"));
        Assert.Equal(2, await Db.SetRemoveAsync("se:set", ["x", "y", "nope"]));
        Assert.Equal(["z"], (await Db.SetMembersAsync("se:set")).Select(v => (string)v!));
    }

    [Fact]
    public async Task Each_connection_selects_its_own_database()
    {
        var three = node.Redis.GetDatabase(3);
        await three.StringSetAsync("se:db", "three");
        await node.Redis.GetDatabase(4).StringSetAsync("se:db", "four");
        Assert.Equal("three", (await three.StringGetAsync("se:db")).ToString());
        Assert.True((await Db.StringGetAsync("se:db")).IsNull);
        Assert.Equal(1L, (long)await three.ExecuteAsync("MOVE", "se:db", "9"));
        Assert.Equal("three", (await node.Redis.GetDatabase(9).StringGetAsync("se:db")).ToString());
        var error = await Assert.ThrowsAsync<RedisServerException>(() => Db.ExecuteAsync("SELECT", "16"));
        Assert.Equal("ERR DB index is out of range", error.Message);
    }

    [Fact]
    public async Task Keys_expire()
    {
        // 2 s, not less: on a machine at load 30 a SET and the PTTL after it can be a second apart.
        await Db.StringSetAsync("se:ttl", "v", TimeSpan.FromMilliseconds(2000));
        var ttl = await Db.KeyTimeToLiveAsync("se:ttl");
        Assert.NotNull(ttl);
        Assert.InRange(ttl.Value.TotalMilliseconds, 1, 2000);
        await Eventually.TrueAsync(async () => !await Db.KeyExistsAsync("se:ttl"), TimeSpan.FromSeconds(10), "the key expired");
        Assert.True((await Db.StringGetAsync("se:ttl")).IsNull);

        await Db.StringSetAsync("se:persist", "v", TimeSpan.FromSeconds(100));
        Assert.True(await Db.KeyPersistAsync("se:persist"));
        Assert.Null(await Db.KeyTimeToLiveAsync("se:persist"));
    }

    [Fact]
    public async Task Pipelined_commands_keep_their_order()
    {
        var batch = Db.CreateBatch();
        var tasks = Enumerable.Range(0, 500).Select(i => batch.StringIncrementAsync("se:pipe")).ToArray();
        batch.Execute();
        var results = await Task.WhenAll(tasks);
        Assert.Equal(Enumerable.Range(1, 500).Select(i => (long)i), results);
    }

    [Fact]
    public async Task Unknown_commands_get_redis_wording()
    {
        var error = await Assert.ThrowsAsync<RedisServerException>(() => Db.ExecuteAsync("NOSUCHCOMMAND", "a"));
        Assert.Equal("ERR unknown command 'NOSUCHCOMMAND', with args beginning with: 'a' ", error.Message);
        error = await Assert.ThrowsAsync<RedisServerException>(() => Db.ExecuteAsync("GET"));
        Assert.Equal("ERR wrong number of arguments for 'get' command", error.Message);
    }

    [Fact]
    public async Task Resp3_connections_work()
    {
        await using var resp3 = await ConnectionMultiplexer.ConnectAsync(SingleNode.Configuration(node.Port, RedisProtocol.Resp3));
        var db = resp3.GetDatabase();
        await db.HashSetAsync("se:r3", "f", "v");
        Assert.Equal("v", (string?)(await db.HashGetAllAsync("se:r3")).Single().Value);
        Assert.Equal(RedisProtocol.Resp3, resp3.GetServer("127.0.0.1", node.Port).Protocol);
    }
}
