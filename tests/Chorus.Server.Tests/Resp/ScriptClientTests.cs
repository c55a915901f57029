using Chorus.Server.Tests.Support;
using StackExchange.Redis;

namespace Chorus.Server.Tests.Resp;

/// <summary>
/// Issue 15, scripts and blocking pops as real clients use them, over a real socket to a real
/// node: StackExchange.Redis's ScriptEvaluate (EVAL, and LuaScript's EVALSHA with its NOSCRIPT
/// fallback after SCRIPT FLUSH), a script inside a transaction, SCRIPT KILL with nothing running,
/// and a BLPOP on one connection woken by an RPUSH on another.
/// </summary>
public sealed class ScriptClientTests(SingleNode node) : IClassFixture<SingleNode>
{
    private IDatabase Db => node.Db;

    [Fact]
    public async Task ScriptEvaluate_runs_a_script_with_keys_and_arguments()
    {
        var result = await Db.ScriptEvaluateAsync("redis.call('SET', KEYS[1], ARGV[1]); return redis.call('INCRBY', KEYS[1], ARGV[2])", ["script:n"], ["40", "2"]);
        Assert.Equal(42, (long)result);
        var list = (RedisResult[])(await Db.ScriptEvaluateAsync("return {KEYS[1], ARGV[1], 3}", ["k"], ["v"]))!;
        Assert.Equal(["k", "v", "3"], list.Select(r => (string?)r));
        await Db.StringSetAsync("script:text", "abc");
        var error = await Assert.ThrowsAsync<RedisServerException>(() => Db.ScriptEvaluateAsync("return redis.call('INCR', KEYS[1])", ["script:text"]));
        Assert.StartsWith("ERR value is not an integer or out of range script: ", error.Message);
    }

    [Fact]
    public async Task A_prepared_script_survives_a_script_flush_through_its_noscript_fallback()
    {
        var script = LuaScript.Prepare("return redis.call('GET', @key)");
        await Db.StringSetAsync("script:greeting", "hello");
        Assert.Equal("hello", (string?)await Db.ScriptEvaluateAsync(script, new { key = (RedisKey)"script:greeting" }));
        var server = node.Redis.GetServer(node.Redis.GetEndPoints()[0]);
        var loaded = await script.LoadAsync(server);
        Assert.True(await server.ScriptExistsAsync(loaded.Hash));
        await server.ScriptFlushAsync();
        Assert.False(await server.ScriptExistsAsync(loaded.Hash));
        Assert.Equal("hello", (string?)await Db.ScriptEvaluateAsync(script, new { key = (RedisKey)"script:greeting" }));
        var kill = await Assert.ThrowsAsync<RedisServerException>(() => Db.ExecuteAsync("SCRIPT", "KILL"));
        Assert.StartsWith("NOTBUSY", kill.Message);
    }

    [Fact]
    public async Task A_script_in_a_transaction_runs_in_the_exec()
    {
        var transaction = Db.CreateTransaction();
        var scripted = transaction.ScriptEvaluateAsync("return redis.call('RPUSH', KEYS[1], ARGV[1])", ["script:tx"], ["a"]);
        var length = transaction.ListLengthAsync("script:tx");
        Assert.True(await transaction.ExecuteAsync());
        Assert.Equal(1, (long)await scripted);
        Assert.Equal(1, await length);
    }

    [Fact]
    public async Task A_blpop_on_one_connection_is_woken_by_a_push_on_another()
    {
        // StackExchange.Redis multiplexes one socket, so the blocking call gets a connection of its own.
        await using var blocking = await ConnectionMultiplexer.ConnectAsync(SingleNode.Configuration(node.Port));
        var popped = blocking.GetDatabase().ExecuteAsync("BLPOP", "script:queue", "0");
        await Eventually.TrueAsync(async () => Blocked(await node.Redis.GetServer(node.Redis.GetEndPoints()[0]).InfoAsync("clients")) == 1, TimeSpan.FromSeconds(30), "BLPOP is blocked");
        await Db.ListRightPushAsync("script:queue", "job");
        var reply = (RedisResult[])(await popped.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken))!;
        Assert.Equal(["script:queue", "job"], reply.Select(r => (string?)r));
    }

    private static int Blocked(IGrouping<string, KeyValuePair<string, string>>[] info) =>
        int.Parse(info.SelectMany(g => g).First(p => p.Key == "blocked_clients").Value, System.Globalization.CultureInfo.InvariantCulture);
}
