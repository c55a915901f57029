using System.Collections.Frozen;
using Chorus.Commands.Execution;

namespace Chorus.Server.Security;

/// <summary>
/// Redis's ACL categories for every command (and for the subcommands whose categories differ
/// from their command's), as `ACL CAT` lists them. Chorus's admin commands join Redis's own:
/// CHORUS.NODE, CHORUS.RING, CHORUS.ELECT and FAILOVER change who leads or belongs, and CHORUS.RESYNC replaces a
/// node's data, so they are @admin and
/// @dangerous, as Redis's REPLICAOF and FAILOVER are.
/// </summary>
public static class CommandCategories
{
    public static IReadOnlyList<string> All { get; } =
    [
        "keyspace", "read", "write", "set", "sortedset", "list", "hash", "string", "bitmap", "hyperloglog", "geo",
        "stream", "pubsub", "admin", "fast", "slow", "blocking", "dangerous", "connection", "transaction", "scripting",
    ];

    // As Redis 7.0's COMMAND INFO reports them. SORT and SORT_RO are @set @sortedset @list, not @keyspace.
    private static readonly FrozenSet<string> Strings = Names(
        "get set setnx setex psetex getex getset getdel mget mset msetnx incr incrby decr decrby incrbyfloat append strlen getrange substr setrange lcs");

    private static readonly FrozenSet<string> Bitmaps = Names(
        "setbit getbit bitcount bitfield bitfield_ro bitpos bitop");

    private static readonly FrozenSet<string> Hashes = Names(
        "hset hmset hsetnx hget hmget hgetall hkeys hvals hdel hlen hexists hstrlen hincrby hincrbyfloat hrandfield hscan");

    private static readonly FrozenSet<string> Sets = Names(
        "sadd srem smembers sismember smismember scard spop srandmember sinter sunion sdiff sinterstore sunionstore sdiffstore sintercard smove sscan sort sort_ro");

    private static readonly FrozenSet<string> Lists = Names(
        "lpush rpush lpushx rpushx lpop rpop lmpop llen lindex lrange lset linsert lrem ltrim lpos lmove rpoplpush sort sort_ro blpop brpop blmove brpoplpush blmpop");

    private static readonly FrozenSet<string> SortedSets = Names(
        "zadd zincrby zrem zcard zscore zmscore zrank zrevrank zcount zlexcount zrange zrangebyscore zrevrangebyscore zrangebylex zrevrangebylex zrevrange " +
        "zrangestore zremrangebyrank zremrangebyscore zremrangebylex zpopmin zpopmax zmpop bzpopmin bzpopmax bzmpop zunionstore zinterstore zdiffstore zunion zinter zdiff zintercard zrandmember zscan sort sort_ro");

    private static readonly FrozenSet<string> Streams = Names("xadd xrange xrevrange xlen xdel xtrim xread");

    private static readonly FrozenSet<string> Keyspace = Names(
        "del unlink exists touch type expire pexpire expireat pexpireat ttl pttl expiretime pexpiretime persist scan keys dbsize randomkey flushall flushdb rename renamenx " +
        "move swapdb copy object dump restore chorus.digest");

    private static readonly FrozenSet<string> Dangerous = Names(
        "flushall flushdb swapdb keys restore sort sort_ro info role config failover chorus.node chorus.ring chorus.elect chorus.resync acl client|list client|kill client|no-evict cluster");

    private static readonly FrozenSet<string> Admin = Names(
        "role config failover chorus.node chorus.ring chorus.elect chorus.resync acl client|list client|kill client|no-evict cluster");

    // Scripts run on the loop like writes, but Redis files them under @scripting, not @write.
    private static readonly FrozenSet<string> Scripting = Names("eval evalsha eval_ro evalsha_ro script fcall fcall_ro function");

    private static readonly FrozenSet<string> Connection = Names(
        "ping echo auth hello quit select readonly readwrite client command wait");

    // Subcommands that are not @admin/@dangerous although their command is.
    private static readonly FrozenSet<string> Harmless = Names(
        "acl|whoami acl|cat acl|genpass client|id client|getname client|setname client|info client|setinfo client|no-touch");

    /// <summary>The categories of <paramref name="spec"/>, or of its subcommand <paramref name="subcommand"/> ("config|get").</summary>
    public static IReadOnlySet<string> Of(CommandSpec spec, string? subcommand = null)
    {
        var name = spec.Name.ToLowerInvariant();
        var full = subcommand is null ? name : $"{name}|{subcommand}";
        var categories = new HashSet<string>(StringComparer.Ordinal);
        categories.Add((spec.Flags & CommandFlags.Fast) != 0 ? "fast" : "slow");
        Add(categories, (spec.Flags & CommandFlags.Write) != 0 && !Scripting.Contains(name), "write");
        Add(categories, (spec.Flags & CommandFlags.Blocking) != 0, "blocking");
        Add(categories, Scripting.Contains(name), "scripting");
        Add(categories, (spec.Flags & CommandFlags.ReadOnly) != 0, "read");
        Add(categories, Strings.Contains(name), "string");
        Add(categories, Bitmaps.Contains(name), "bitmap");
        Add(categories, Hashes.Contains(name), "hash");
        Add(categories, Sets.Contains(name), "set");
        Add(categories, Lists.Contains(name), "list");
        Add(categories, SortedSets.Contains(name), "sortedset");
        Add(categories, Streams.Contains(name), "stream");
        Add(categories, Keyspace.Contains(name), "keyspace");
        Add(categories, Connection.Contains(name), "connection");
        var harmless = Harmless.Contains(full);
        Add(categories, !harmless && (Dangerous.Contains(full) || Dangerous.Contains(name)), "dangerous");
        Add(categories, !harmless && (Admin.Contains(full) || Admin.Contains(name) || (spec.Flags & CommandFlags.Admin) != 0 && subcommand is null), "admin");
        if (harmless)
        {
            categories.Remove("admin");
        }
        return categories;
    }

    private static void Add(HashSet<string> categories, bool condition, string category)
    {
        if (condition)
        {
            categories.Add(category);
        }
    }

    private static FrozenSet<string> Names(string names) =>
        names.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToFrozenSet(StringComparer.Ordinal);
}
