using Chorus.Server.Tests.Support;
using StackExchange.Redis;

namespace Chorus.Server.Tests.Resp;

/// <summary>
/// Redis 7 Functions over a real socket to a real node, as StackExchange.Redis sends them:
/// FUNCTION LOAD, FCALL and FCALL_RO, FUNCTION LIST answered on the connection (and, pipelined
/// right after a write, on the loop: the same answer), FCALL inside a transaction, FUNCTION KILL
/// with nothing running.
/// </summary>
public sealed class FunctionClientTests(SingleNode node) : IClassFixture<SingleNode>
{
    private const string Library = "#!lua name=clientlib\n"
        + "redis.register_function('client_add', function(keys, args) return redis.call('INCRBY', keys[1], args[1]) end)\n"
        + "redis.register_function{function_name='client_get', callback=function(keys) return redis.call('GET', keys[1]) end, flags={'no-writes'}}";

    private IDatabase Db => node.Db;

    [Fact]
    public async Task A_loaded_library_is_called_listed_and_used_in_a_transaction()
    {
        Assert.Equal("clientlib", (string?)await Db.ExecuteAsync("FUNCTION", "LOAD", "REPLACE", Library));
        Assert.Equal(5, (long)await Db.ExecuteAsync("FCALL", "client_add", "1", "fn:counter", "5"));
        Assert.Equal("5", (string?)await Db.ExecuteAsync("FCALL_RO", "client_get", "1", "fn:counter"));
        var refused = await Assert.ThrowsAsync<RedisServerException>(() => Db.ExecuteAsync("FCALL_RO", "client_add", "1", "fn:counter", "1"));
        Assert.Equal("ERR Can not execute a script with write flag using *_ro command.", refused.Message);

        // A write and a LIST pipelined together: the LIST may run on the loop, with the same answer.
        var write = Db.ExecuteAsync("FCALL", "client_add", "1", "fn:counter", "1");
        var listed = Db.ExecuteAsync("FUNCTION", "LIST", "LIBRARYNAME", "clientlib");
        Assert.Equal(6, (long)await write);
        var library = (RedisResult[])(await listed)!;
        Assert.Equal("clientlib", (string?)((RedisResult[])library[0]!)[1]);

        var transaction = Db.CreateTransaction();
        var inside = transaction.ExecuteAsync("FCALL", "client_add", "1", "fn:counter", "10");
        Assert.True(await transaction.ExecuteAsync());
        Assert.Equal(16, (long)await inside);

        var kill = await Assert.ThrowsAsync<RedisServerException>(() => Db.ExecuteAsync("FUNCTION", "KILL"));
        Assert.StartsWith("NOTBUSY", kill.Message);
        Assert.Equal("OK", (string?)await Db.ExecuteAsync("FUNCTION", "DELETE", "clientlib"));
    }
}
