using Chorus.Server.Configuration;
using Chorus.Server.Tests.Support;
using Chorus.Client;
using Chorus.Resp;
using StackExchange.Redis;

namespace Chorus.Server.Tests.Resp;

/// <summary>A node whose scripts are stopped after 4 s, so an unkillable script ends within a test.</summary>
public sealed class ShortScriptNode : SingleNode
{
    protected override void Configure(ChorusOptions options) => options.ScriptTimeMaxMs = 4000;
}

/// <summary>
/// Issue 15, runaway scripts as Redis 7.0 answers them (EVAL docs, "Script timeouts"; SCRIPT KILL,
/// FUNCTION KILL): past busy-reply-threshold (CONFIG SET, alias lua-time-limit) other clients get
/// -BUSY naming SCRIPT KILL (FUNCTION KILL for a function); SCRIPT KILL stops a script that has
/// not written; one that has written is -UNKILLABLE and runs on (in Chorus, until
/// chorus-script-time-max-ms stops it and undoes its writes). Real clients over real sockets: the
/// script runs from StackExchange.Redis; the other client is a plain RESP connection
/// (StackExchange.Redis's own heartbeat PING would be answered -BUSY too, which it takes as a
/// broken connection, against Redis as against Chorus).
/// </summary>
public sealed class BusyScriptClientTests(ShortScriptNode node) : IClassFixture<ShortScriptNode>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private IServer Server => node.Redis.GetServer(node.Redis.GetEndPoints()[0]);

    [Fact]
    public async Task A_busy_script_answers_busy_to_others_and_script_kill_stops_it()
    {
        await node.Db.ExecuteAsync("CONFIG", "SET", "busy-reply-threshold", "200");
        Assert.Equal("200", Server.ConfigGet("lua-time-limit").Single().Value);
        await using var runner = await ConnectionMultiplexer.ConnectAsync(Patient(node.Port));
        var running = runner.GetDatabase().ExecuteAsync("EVAL", "local n = 0 while true do n = n + 1 end", "0");
        var busy = await BusyErrorAsync();
        Assert.Equal("BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.", busy);
        Assert.Equal(busy, (await OtherAsync("FUNCTION", "KILL")).AsString());
        Assert.Equal("EXECABORT Transaction discarded because of: " + busy, (await OtherAsync("MULTI", "GET", "x", "EXEC")).AsString());
        Assert.Equal("OK", (await OtherAsync("SCRIPT", "KILL")).AsString());
        var killed = await Assert.ThrowsAsync<RedisServerException>(() => running.WaitAsync(Deadline, TestContext.Current.CancellationToken));
        Assert.Contains("killed by the user with SCRIPT KILL", killed.Message, StringComparison.Ordinal);
        Assert.Equal("PONG", (string?)await node.Db.ExecuteAsync("PING"));
    }

    [Fact]
    public async Task A_script_that_wrote_is_unkillable()
    {
        await node.Db.ExecuteAsync("CONFIG", "SET", "lua-time-limit", "200");
        Assert.Equal("4000", Server.ConfigGet("chorus-script-time-max-ms").Single().Value);
        await using var runner = await ConnectionMultiplexer.ConnectAsync(Patient(node.Port));
        var running = runner.GetDatabase().ExecuteAsync("EVAL", "redis.call('SET', KEYS[1], 'half') while true do end", "1", "busy:wrote");
        await BusyErrorAsync();
        Assert.StartsWith("UNKILLABLE Sorry the script already executed write commands against the dataset.", (await OtherAsync("SCRIPT", "KILL")).AsString());
        // Chorus's own limit stops it in the end, and undoes its write.
        var stopped = await Assert.ThrowsAsync<RedisServerException>(() => running.WaitAsync(Deadline, TestContext.Current.CancellationToken));
        Assert.Contains("chorus-script-time-max-ms 4000 ms", stopped.Message, StringComparison.Ordinal);
        Assert.False(await node.Db.KeyExistsAsync("busy:wrote"));
    }

    [Fact]
    public async Task A_busy_function_names_function_kill()
    {
        await node.Db.ExecuteAsync("CONFIG", "SET", "busy-reply-threshold", "200");
        await node.Db.ExecuteAsync("FUNCTION", "LOAD", "REPLACE", "#!lua name=busylib\nredis.register_function('spin', function() while true do end end)");
        await using var runner = await ConnectionMultiplexer.ConnectAsync(Patient(node.Port));
        var running = runner.GetDatabase().ExecuteAsync("FCALL", "spin", "0");
        Assert.Equal("BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.", await BusyErrorAsync());
        Assert.Equal(RespValueKind.Array, (await OtherAsync("FUNCTION", "STATS")).Kind);
        Assert.Equal("BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.", (await OtherAsync("SCRIPT", "KILL")).AsString());
        Assert.Equal("OK", (await OtherAsync("FUNCTION", "KILL")).AsString());
        await Assert.ThrowsAsync<RedisServerException>(() => running.WaitAsync(Deadline, TestContext.Current.CancellationToken));
    }

    /// <summary>The error a plain GET gets once the script is past the threshold (waits for it, with a deadline).</summary>
    private async Task<string> BusyErrorAsync()
    {
        string? error = null;
        await Eventually.TrueAsync(async () =>
        {
            var reply = await OtherAsync("GET", "busy:probe");
            error = reply.IsError ? reply.AsString() : null;
            return error is not null;
        }, Deadline, "other clients are answered -BUSY");
        return error!;
    }

    /// <summary>
    /// Sends one command from another client (a fresh connection); "MULTI", command, "EXEC" sends
    /// the three as a transaction and answers EXEC's reply.
    /// </summary>
    private async Task<RespValue> OtherAsync(params string[] args)
    {
        var cancellation = TestContext.Current.CancellationToken;
        await using var other = await RespConnection.ConnectAsync("127.0.0.1", node.Port, TimeSpan.FromSeconds(10), cancellation);
        if (args[0] != "MULTI")
        {
            return await other.CommandAsync(cancellation, args);
        }
        var replies = await other.PipelineAsync([Args("MULTI"), Args(args[1..^1]), Args("EXEC")], cancellation);
        return replies[^1];
    }

    private static byte[][] Args(params string[] args) => [.. args.Select(a => System.Text.Encoding.UTF8.GetBytes(a))];

    /// <summary>The script's own connection waits for its reply longer than the script runs.</summary>
    private static ConfigurationOptions Patient(int port)
    {
        var options = SingleNode.Configuration(port);
        options.SyncTimeout = options.AsyncTimeout = 60_000;
        return options;
    }
}
