using Chorus.Commands.Keyspace;
using Chorus.Commands.Logical;
using static Chorus.Commands.Tests.Support.Replies;

namespace Chorus.Commands.Tests;

/// Redis docs and db.c: DEL UNLINK EXISTS TYPE RENAME RENAMENX KEYS DBSIZE RANDOMKEY FLUSHALL FLUSHDB, and CHORUS.DIGEST.
public sealed class KeyCommandTests : IDisposable
{
    private readonly CommandHarness _h = new();

    public void Dispose() => _h.Dispose();

    [Fact]
    public void Del_and_unlink_count_the_keys_that_existed()
    {
        _h.Run("MSET", "a", "1", "b", "2", "c", "3");
        Assert.Equal(Int(2), _h.Run("DEL", "a", "b", "x", "a"));
        Assert.Equal(Int(1), _h.Run("UNLINK", "c", "x"));
        Assert.Equal(Int(0), _h.Run("DEL", "x"));
        Assert.Null(_h.LastPayload);
    }

    [Fact]
    public void Exists_counts_a_key_named_twice_twice()
    {
        _h.Run("SET", "a", "1");
        Assert.Equal(Int(3), _h.Run("EXISTS", "a", "a", "b", "a"));
    }

    [Fact]
    public void Type_names_each_type_as_a_status_reply()
    {
        _h.Run("SET", "s", "v");
        _h.Run("HSET", "h", "f", "v");
        _h.Run("SADD", "set", "m");
        Assert.Equal(Status("string"), _h.Run("TYPE", "s"));
        Assert.Equal(Status("hash"), _h.Run("TYPE", "h"));
        Assert.Equal(Status("set"), _h.Run3("TYPE", "set"));
        Assert.Equal(Status("none"), _h.Run("TYPE", "missing"));
    }

    [Fact]
    public void Rename_moves_the_value_with_its_ttl_and_replaces_the_target()
    {
        _h.Run("SET", "a", "1", "EX", "100");
        _h.Run("SADD", "b", "m");
        Assert.Equal(Ok, _h.Run("RENAME", "a", "b"));
        Assert.Equal(Bulk("1"), _h.Run("GET", "b"));
        Assert.Equal(Int(100), _h.Run("TTL", "b"));
        Assert.Equal(Int(0), _h.Run("EXISTS", "a"));
    }

    [Fact]
    public void Rename_of_a_missing_key_is_an_error_and_to_itself_a_no_op()
    {
        Assert.Equal(Err("ERR no such key"), _h.Run("RENAME", "a", "b"));
        Assert.Equal(Err("ERR no such key"), _h.Run("RENAMENX", "a", "b"));
        _h.Run("SET", "a", "1");
        Assert.Equal(Ok, _h.Run("RENAME", "a", "a"));
        Assert.Null(_h.LastPayload);
        Assert.Equal(Int(0), _h.Run("RENAMENX", "a", "a"));
    }

    [Fact]
    public void Renamenx_renames_only_onto_a_missing_key()
    {
        _h.Run("MSET", "a", "1", "b", "2");
        Assert.Equal(Int(0), _h.Run("RENAMENX", "a", "b"));
        Assert.Null(_h.LastPayload);
        Assert.Equal(Int(1), _h.Run("RENAMENX", "a", "c"));
        Assert.Equal(Arr(Nil, Bulk("2"), Bulk("1")), _h.Run("MGET", "a", "b", "c"));
    }

    [Fact]
    public void Keys_lists_live_keys_matching_a_pattern()
    {
        _h.Run("MSET", "one", "1", "two", "2", "three", "3", "four", "4");
        Assert.Equal(["four", "one", "three", "two"], _h.Run("KEYS", "*").Sorted());
        Assert.Equal(["three", "two"], _h.Run("KEYS", "t*").Sorted());
        Assert.Equal(["one", "two"], _h.Run("KEYS", "??[eo]").Sorted());
        _h.Run("PEXPIRE", "two", "1");
        _h.AdvanceMs(2);
        Assert.Equal(["three"], _h.Run("KEYS", "t*").Sorted());
    }

    [Fact]
    public void Keys_star_matches_even_an_empty_key_but_other_patterns_do_not()
    {
        _h.Run("SET", "", "empty");
        Assert.Equal([""], _h.Run("KEYS", "*").Sorted());
        Assert.Equal([], _h.Run("KEYS", "**").Sorted());
    }

    [Fact]
    public void Dbsize_counts_stored_keys_including_expired_ones_not_yet_deleted()
    {
        Assert.Equal(Int(0), _h.Run("DBSIZE"));
        _h.Run("MSET", "a", "1", "b", "2");
        _h.Run("SADD", "s", "m");
        _h.Run("PEXPIRE", "a", "1");
        _h.AdvanceMs(2);
        Assert.Equal(Int(3), _h.Run("DBSIZE"));
        Assert.Equal(Int(0), _h.Run("EXISTS", "a"));
    }

    [Fact]
    public void Randomkey_returns_a_live_key_or_nil()
    {
        Assert.Equal(Nil, _h.Run("RANDOMKEY"));
        _h.Run("MSET", "a", "1", "b", "2", "c", "3");
        _h.Run("PEXPIRE", "b", "1");
        _h.AdvanceMs(2);
        var seen = Enumerable.Range(0, 50).Select(_ => _h.Run("RANDOMKEY").AsString()).ToHashSet();
        Assert.Equal(["a", "c"], seen.Order());
        _h.Run("DEL", "a", "c");
        Assert.Equal(Nil, _h.Run("RANDOMKEY"));
    }

    [Fact]
    public void Flushall_and_flushdb_delete_everything_and_accept_async_or_sync()
    {
        _h.Run("MSET", "a", "1", "b", "2");
        _h.Run("HSET", "h", "f", "v");
        _h.Run("EXPIRE", "h", "100");
        Assert.Equal(Ok, _h.Run("FLUSHALL"));
        Assert.IsType<FlushAllChange>(Assert.Single(_h.LastChanges));
        Assert.Equal(Int(0), _h.Run("DBSIZE"));
        _h.Run("SET", "a", "1");
        Assert.Equal(Ok, _h.Run("FLUSHDB", "async"));
        Assert.Equal(Ok, _h.Run("FLUSHALL", "SYNC"));
        Assert.Equal(Int(0), _h.Run("DBSIZE"));
    }

    [Fact]
    public void Flushall_rejects_other_arguments()
    {
        _h.Run("SET", "a", "1");
        Assert.Equal(Err("ERR syntax error"), _h.Run("FLUSHALL", "NOW"));
        Assert.Equal(Err("ERR syntax error"), _h.Run("FLUSHDB", "ASYNC", "SYNC"));
        Assert.Equal(Int(1), _h.Run("DBSIZE"));
    }

    [Fact]
    public void Chorus_digest_reports_the_keyspace_digest_and_key_count()
    {
        _h.Run("MSET", "a", "1", "b", "2");
        var expected = KeyspaceDigest.Compute(_h.Storage);
        Assert.Equal(Arr(Bulk(expected.Digest), Int(2)), _h.Run("CHORUS.DIGEST"));
        Assert.Equal(Arr(Bulk(expected.Digest), Int(2)), _h.Run("chorus.digest"));
        Assert.Equal(Err("ERR wrong number of arguments for 'chorus.digest' command"), _h.Run("CHORUS.DIGEST", "x"));
    }

    [Fact]
    public void Digest_ignores_the_order_in_which_fields_were_added()
    {
        using var other = new CommandHarness();
        _h.Run("HSET", "h", "a", "1", "b", "2");
        other.Run("HSET", "h", "b", "2", "a", "1");
        Assert.Equal(_h.Run("CHORUS.DIGEST"), other.Run("CHORUS.DIGEST"));
    }
}
