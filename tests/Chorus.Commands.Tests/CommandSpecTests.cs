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
        { "SINTERCARD", -3, "readonly movablekeys", 0, 0, 0 },
        { "SINTERSTORE", -3, "write denyoom", 1, -1, 1 },
        { "SUNIONSTORE", -3, "write denyoom", 1, -1, 1 },
        { "SDIFFSTORE", -3, "write denyoom", 1, -1, 1 },
        { "SMOVE", 4, "write fast", 1, 2, 1 },
        { "HSCAN", -3, "readonly", 1, 1, 1 },
        { "SSCAN", -3, "readonly", 1, 1, 1 },
        { "MOVE", 3, "write fast", 1, 1, 1 },
        { "SWAPDB", 3, "write fast", 0, 0, 0 },
        { "LPUSH", -3, "write denyoom fast", 1, 1, 1 },
        { "RPUSH", -3, "write denyoom fast", 1, 1, 1 },
        { "LPUSHX", -3, "write denyoom fast", 1, 1, 1 },
        { "RPUSHX", -3, "write denyoom fast", 1, 1, 1 },
        { "LPOP", -2, "write fast", 1, 1, 1 },
        { "RPOP", -2, "write fast", 1, 1, 1 },
        { "LMPOP", -4, "write movablekeys", 0, 0, 0 },
        { "LLEN", 2, "readonly fast", 1, 1, 1 },
        { "LINDEX", 3, "readonly", 1, 1, 1 },
        { "LRANGE", 4, "readonly", 1, 1, 1 },
        { "LSET", 4, "write denyoom", 1, 1, 1 },
        { "LINSERT", 5, "write denyoom", 1, 1, 1 },
        { "LREM", 4, "write", 1, 1, 1 },
        { "LTRIM", 4, "write", 1, 1, 1 },
        { "LPOS", -3, "readonly", 1, 1, 1 },
        { "LMOVE", 5, "write denyoom", 1, 2, 1 },
        { "RPOPLPUSH", 3, "write denyoom", 1, 2, 1 },
        { "BLPOP", -3, "write noscript blocking", 1, -2, 1 },
        { "BRPOP", -3, "write noscript blocking", 1, -2, 1 },
        { "BLMOVE", 6, "write denyoom noscript blocking", 1, 2, 1 },
        { "BRPOPLPUSH", 4, "write denyoom noscript blocking", 1, 2, 1 },
        { "BLMPOP", -5, "write blocking movablekeys", 0, 0, 0 },
        { "ZADD", -4, "write denyoom fast", 1, 1, 1 },
        { "ZINCRBY", 4, "write denyoom fast", 1, 1, 1 },
        { "ZREM", -3, "write fast", 1, 1, 1 },
        { "ZCARD", 2, "readonly fast", 1, 1, 1 },
        { "ZSCORE", 3, "readonly fast", 1, 1, 1 },
        { "ZMSCORE", -3, "readonly fast", 1, 1, 1 },
        { "ZRANK", 3, "readonly fast", 1, 1, 1 },
        { "ZREVRANK", 3, "readonly fast", 1, 1, 1 },
        { "ZCOUNT", 4, "readonly fast", 1, 1, 1 },
        { "ZLEXCOUNT", 4, "readonly fast", 1, 1, 1 },
        { "ZRANGE", -4, "readonly", 1, 1, 1 },
        { "ZRANGEBYSCORE", -4, "readonly", 1, 1, 1 },
        { "ZREVRANGEBYSCORE", -4, "readonly", 1, 1, 1 },
        { "ZRANGEBYLEX", -4, "readonly", 1, 1, 1 },
        { "ZREVRANGEBYLEX", -4, "readonly", 1, 1, 1 },
        { "ZREVRANGE", -4, "readonly", 1, 1, 1 },
        { "ZRANGESTORE", -5, "write denyoom", 1, 2, 1 },
        { "ZREMRANGEBYRANK", 4, "write", 1, 1, 1 },
        { "ZREMRANGEBYSCORE", 4, "write", 1, 1, 1 },
        { "ZREMRANGEBYLEX", 4, "write", 1, 1, 1 },
        { "ZPOPMIN", -2, "write fast", 1, 1, 1 },
        { "ZPOPMAX", -2, "write fast", 1, 1, 1 },
        { "ZMPOP", -4, "write movablekeys", 0, 0, 0 },
        { "BZPOPMIN", -3, "write noscript blocking fast", 1, -2, 1 },
        { "BZPOPMAX", -3, "write noscript blocking fast", 1, -2, 1 },
        { "BZMPOP", -5, "write blocking movablekeys", 0, 0, 0 },
        { "ZUNIONSTORE", -4, "write denyoom movablekeys", 1, 1, 1 },
        { "ZINTERSTORE", -4, "write denyoom movablekeys", 1, 1, 1 },
        { "ZDIFFSTORE", -4, "write denyoom movablekeys", 1, 1, 1 },
        { "ZUNION", -3, "readonly movablekeys", 0, 0, 0 },
        { "ZINTER", -3, "readonly movablekeys", 0, 0, 0 },
        { "ZDIFF", -3, "readonly movablekeys", 0, 0, 0 },
        { "ZINTERCARD", -3, "readonly movablekeys", 0, 0, 0 },
        { "ZRANDMEMBER", -2, "readonly", 1, 1, 1 },
        { "ZSCAN", -3, "readonly", 1, 1, 1 },
        { "LCS", -3, "readonly", 1, 2, 1 },
        { "SETBIT", 4, "write denyoom", 1, 1, 1 },
        { "GETBIT", 3, "readonly fast", 1, 1, 1 },
        { "BITCOUNT", -2, "readonly", 1, 1, 1 },
        { "BITPOS", -3, "readonly", 1, 1, 1 },
        { "BITOP", -4, "write denyoom", 2, -1, 1 },
        { "BITFIELD", -2, "write denyoom", 1, 1, 1 },
        { "BITFIELD_RO", -2, "readonly fast", 1, 1, 1 },
        { "COPY", -3, "write denyoom", 1, 2, 1 },
        { "DUMP", 2, "readonly", 1, 1, 1 },
        { "RESTORE", -4, "write denyoom", 1, 1, 1 },
        { "SORT", -2, "write denyoom movablekeys", 1, 1, 1 },
        { "SORT_RO", -2, "readonly movablekeys", 1, 1, 1 },
        // Redis lists OBJECT as a container ("", 0, 0, 0); its subcommands (object|encoding...) are "readonly", key at 2.
        { "OBJECT", -2, "readonly", 2, 2, 1 },
        { "CHORUS.DIGEST", 1, "readonly", 0, 0, 0 },
        { "CHORUS.RESOLVE", 4, "write denyoom", 1, 1, 1 },
        { "XADD", -5, "write denyoom fast", 1, 1, 1 },
        { "XRANGE", -4, "readonly", 1, 1, 1 },
        { "XREVRANGE", -4, "readonly", 1, 1, 1 },
        { "XLEN", 2, "readonly fast", 1, 1, 1 },
        { "XDEL", -3, "write fast", 1, 1, 1 },
        { "XTRIM", -4, "write", 1, 1, 1 },
        { "XREAD", -4, "readonly blocking movablekeys", 0, 0, 0 },
        { "XREADGROUP", -7, "write blocking movablekeys", 0, 0, 0 },
        { "XACK", -4, "write fast", 1, 1, 1 },
        { "XPENDING", -3, "readonly", 1, 1, 1 },
        { "XCLAIM", -6, "write fast", 1, 1, 1 },
        { "XAUTOCLAIM", -6, "write fast", 1, 1, 1 },
        { "XSETID", -3, "write denyoom fast", 1, 1, 1 },
        // Containers, like OBJECT: Redis lists ("", 0, 0, 0); the subcommands (xgroup|create, xinfo|stream...) take the key at 2.
        { "XGROUP", -2, "write", 2, 2, 1 },
        { "XINFO", -2, "readonly", 2, 2, 1 },
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

    /// Redis 7 COMMAND DOCS: each command's group.
    [Theory]
    [InlineData("GET", "string")]
    [InlineData("LCS", "string")]
    [InlineData("SETBIT", "bitmap")]
    [InlineData("DEL", "generic")]
    [InlineData("SORT", "generic")]
    [InlineData("HSET", "hash")]
    [InlineData("SADD", "set")]
    [InlineData("LPUSH", "list")]
    [InlineData("ZADD", "sorted-set")]
    [InlineData("ZSCAN", "sorted-set")]
    [InlineData("XADD", "stream")]
    [InlineData("XREADGROUP", "stream")]
    public void Commands_carry_their_redis_group(string name, string group)
    {
        Assert.True(Table.TryGet(name, out var spec));
        Assert.Equal(group, spec.Group);
        Assert.All(DataCommands.All, s => Assert.False(string.IsNullOrEmpty(s.Group), $"{s.Name} has a group"));
    }

    /// A blocking read (XREAD) runs on the loop too: only there can a write wake it.
    [Fact]
    public void Writes_run_on_the_apply_loop_and_reads_on_the_connection()
    {
        Assert.All(DataCommands.All, spec =>
        {
            Assert.Equal(spec.IsWrite || spec.IsBlocking, spec.Write is not null);
            Assert.Equal(!spec.IsWrite && !spec.IsBlocking, spec.Read is not null);
        });
    }
}
