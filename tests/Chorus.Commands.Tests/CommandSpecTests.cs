using Chorus.Commands.Data;
using Chorus.Commands.Execution;

namespace Chorus.Commands.Tests;

/// Redis 7 COMMAND INFO: the table entries COMMAND INFO will serve must match Redis's.
public sealed class CommandSpecTests
{
    private static readonly CommandTable Table = new(DataCommands.All);

    public static TheoryData<string, int, string, int, int, int> RedisCommandInfo => new()
    {
        { "GET", 2, "readonly fast", 1, 1, 1 },
        { "SET", -3, "write denyoom", 1, 1, 1 },
        { "SETNX", 3, "write denyoom fast", 1, 1, 1 },
        { "SETEX", 4, "write denyoom", 1, 1, 1 },
        { "PSETEX", 4, "write denyoom", 1, 1, 1 },
        { "GETEX", -2, "write fast", 1, 1, 1 },
        { "GETSET", 3, "write denyoom fast", 1, 1, 1 },
        { "GETDEL", 2, "write fast", 1, 1, 1 },
        { "MGET", -2, "readonly fast", 1, -1, 1 },
        { "MSET", -3, "write denyoom", 1, -1, 2 },
        { "MSETNX", -3, "write denyoom", 1, -1, 2 },
        { "INCR", 2, "write denyoom fast", 1, 1, 1 },
        { "INCRBY", 3, "write denyoom fast", 1, 1, 1 },
        { "DECR", 2, "write denyoom fast", 1, 1, 1 },
        { "DECRBY", 3, "write denyoom fast", 1, 1, 1 },
        { "INCRBYFLOAT", 3, "write denyoom fast", 1, 1, 1 },
        { "APPEND", 3, "write denyoom", 1, 1, 1 },
        { "STRLEN", 2, "readonly fast", 1, 1, 1 },
        { "GETRANGE", 4, "readonly", 1, 1, 1 },
        { "SUBSTR", 4, "readonly", 1, 1, 1 },
        { "SETRANGE", 4, "write denyoom", 1, 1, 1 },
        { "DEL", -2, "write", 1, -1, 1 },
        { "UNLINK", -2, "write fast", 1, -1, 1 },
        { "EXISTS", -2, "readonly fast", 1, -1, 1 },
        { "TOUCH", -2, "readonly fast", 1, -1, 1 },
        { "TYPE", 2, "readonly fast", 1, 1, 1 },
        { "EXPIRE", -3, "write fast", 1, 1, 1 },
        { "PEXPIRE", -3, "write fast", 1, 1, 1 },
        { "EXPIREAT", -3, "write fast", 1, 1, 1 },
        { "PEXPIREAT", -3, "write fast", 1, 1, 1 },
        { "TTL", 2, "readonly fast", 1, 1, 1 },
        { "PTTL", 2, "readonly fast", 1, 1, 1 },
        { "EXPIRETIME", 2, "readonly fast", 1, 1, 1 },
        { "PEXPIRETIME", 2, "readonly fast", 1, 1, 1 },
        { "PERSIST", 2, "write fast", 1, 1, 1 },
        { "SCAN", -2, "readonly", 0, 0, 0 },
        { "KEYS", 2, "readonly", 0, 0, 0 },
        { "DBSIZE", 1, "readonly fast", 0, 0, 0 },
        { "RANDOMKEY", 1, "readonly", 0, 0, 0 },
        { "FLUSHALL", -1, "write", 0, 0, 0 },
        { "FLUSHDB", -1, "write", 0, 0, 0 },
        { "RENAME", 3, "write", 1, 2, 1 },
        { "RENAMENX", 3, "write fast", 1, 2, 1 },
        { "HSET", -4, "write denyoom fast", 1, 1, 1 },
        { "HMSET", -4, "write denyoom fast", 1, 1, 1 },
        { "HSETNX", 4, "write denyoom fast", 1, 1, 1 },
        { "HGET", 3, "readonly fast", 1, 1, 1 },
        { "HMGET", -3, "readonly fast", 1, 1, 1 },
        { "HGETALL", 2, "readonly", 1, 1, 1 },
        { "HKEYS", 2, "readonly", 1, 1, 1 },
        { "HVALS", 2, "readonly", 1, 1, 1 },
        { "HDEL", -3, "write fast", 1, 1, 1 },
        { "HLEN", 2, "readonly fast", 1, 1, 1 },
        { "HEXISTS", 3, "readonly fast", 1, 1, 1 },
        { "HSTRLEN", 3, "readonly fast", 1, 1, 1 },
        { "HINCRBY", 4, "write denyoom fast", 1, 1, 1 },
        { "HINCRBYFLOAT", 4, "write denyoom fast", 1, 1, 1 },
        { "HRANDFIELD", -2, "readonly", 1, 1, 1 },
        { "SADD", -3, "write denyoom fast", 1, 1, 1 },
        { "SREM", -3, "write fast", 1, 1, 1 },
        { "SMEMBERS", 2, "readonly", 1, 1, 1 },
        { "SISMEMBER", 3, "readonly fast", 1, 1, 1 },
        { "SMISMEMBER", -3, "readonly fast", 1, 1, 1 },
        { "SCARD", 2, "readonly fast", 1, 1, 1 },
        { "SPOP", -2, "write fast", 1, 1, 1 },
        { "SRANDMEMBER", -2, "readonly", 1, 1, 1 },
        { "SINTER", -2, "readonly", 1, -1, 1 },
        { "SUNION", -2, "readonly", 1, -1, 1 },
        { "SDIFF", -2, "readonly", 1, -1, 1 },
        { "CHORUS.DIGEST", 1, "readonly", 0, 0, 0 },
    };

    [Theory]
    [MemberData(nameof(RedisCommandInfo))]
    public void Each_command_matches_redis_command_info(string name, int arity, string flags, int firstKey, int lastKey, int step)
    {
        Assert.True(Table.TryGet(name, out var spec), $"{name} is registered");
        Assert.Equal(
            (name, arity, flags, firstKey, lastKey, step),
            (spec.Name, spec.Arity, string.Join(' ', CommandFlagNames.Of(spec.Flags)), spec.FirstKey, spec.LastKey, spec.Step));
    }

    [Fact]
    public void Every_registered_command_is_checked_and_registered_once()
    {
        Assert.Equal(RedisCommandInfo.Count(), DataCommands.All.Count);
        Assert.Equal(DataCommands.All.Count, Table.Count);
    }

    [Fact]
    public void Writes_run_on_the_apply_loop_and_reads_on_the_connection()
    {
        Assert.All(DataCommands.All, spec =>
        {
            Assert.Equal(spec.IsWrite, spec.Write is not null);
            Assert.Equal(!spec.IsWrite, spec.Read is not null);
        });
    }
}
