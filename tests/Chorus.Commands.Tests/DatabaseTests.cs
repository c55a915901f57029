using Chorus.Commands.Keyspace;
using Chorus.Commands.Logical;
using static Chorus.Commands.Tests.Support.Replies;

namespace Chorus.Commands.Tests;

/// Redis docs and db.c: databases 0–15 (SELECT on the connection), MOVE, SWAPDB, FLUSHDB, and the
/// per-database DBSIZE, KEYS, SCAN, RANDOMKEY — replicated and undone like any other change.
public sealed class DatabaseTests : IDisposable
{
    private readonly CommandHarness _h = new();

    public void Dispose() => _h.Dispose();

    [Fact]
    public void Databases_are_separate_keyspaces()
    {
        _h.Run("SET", "k", "zero");
        _h.Run("SADD", "only-in-0", "m");
        _h.Db = 1;
        Assert.Equal(Nil, _h.Run("GET", "k"));
        _h.Run("SET", "k", "one");
        Assert.Equal(Int(1), _h.Run("DBSIZE"));
        Assert.Equal(Arr("k"), _h.Run("KEYS", "*"));
        Assert.Equal(Arr(Bulk("0"), Arr("k")), _h.Run("SCAN", "0"));
        Assert.Equal(Bulk("k"), _h.Run("RANDOMKEY"));
        _h.Db = 0;
        Assert.Equal(Bulk("zero"), _h.Run("GET", "k"));
        Assert.Equal(Int(2), _h.Run("DBSIZE"));
        _h.Db = 15;
        Assert.Equal(Nil, _h.Run("RANDOMKEY"));
        Assert.Equal(Int(0), _h.Run("DBSIZE"));
    }

    [Fact]
    public void Changes_name_the_database_they_were_made_in()
    {
        _h.Db = 7;
        _h.Run("HSET", "h", "f", "v");
        Assert.Equal(7, Assert.IsType<HashChange>(Assert.Single(_h.LastChanges)).Db);
    }

    [Fact]
    public void Move_moves_a_key_with_its_ttl_and_a_collection_whole()
    {
        _h.Run(["HSET", "h", .. Enumerable.Range(0, 500).SelectMany(i => new[] { $"f{i}", $"v{i}" })]);
        _h.Run("PEXPIRE", "h", "100000");
        Assert.Equal(Int(1), _h.Run("MOVE", "h", "3"));
        Assert.True(_h.LastPayload!.Length < 64, $"MOVE of a 500-field hash logged {_h.LastPayload.Length} bytes");
        Assert.Equal(Int(0), _h.Run("EXISTS", "h"));
        _h.Db = 3;
        Assert.Equal(Int(500), _h.Run("HLEN", "h"));
        Assert.Equal(Bulk("v42"), _h.Run("HGET", "h", "f42"));
        Assert.Equal(Int(100000), _h.Run("PTTL", "h"));
    }

    [Fact]
    public void Move_does_nothing_when_the_key_is_absent_or_the_target_has_it()
    {
        Assert.Equal(Int(0), _h.Run("MOVE", "missing", "1"));
        _h.Run("SET", "k", "here");
        _h.Db = 1;
        _h.Run("SET", "k", "there");
        _h.Db = 0;
        Assert.Equal(Int(0), _h.Run("MOVE", "k", "1"));
        Assert.Null(_h.LastPayload);
        Assert.Equal(Bulk("here"), _h.Run("GET", "k"));
    }

    [Fact]
    public void Move_and_swapdb_check_their_arguments_like_redis()
    {
        _h.Run("SET", "k", "v");
        Assert.Equal(Err("ERR source and destination objects are the same"), _h.Run("MOVE", "k", "0"));
        Assert.Equal(Err("ERR DB index is out of range"), _h.Run("MOVE", "k", "16"));
        Assert.Equal(Err("ERR DB index is out of range"), _h.Run("MOVE", "k", "-1"));
        Assert.Equal(Err("ERR value is not an integer or out of range"), _h.Run("MOVE", "k", "x"));
        Assert.Equal(Err("ERR invalid first DB index"), _h.Run("SWAPDB", "x", "1"));
        Assert.Equal(Err("ERR invalid second DB index"), _h.Run("SWAPDB", "1", "x"));
        Assert.Equal(Err("ERR DB index is out of range"), _h.Run("SWAPDB", "1", "16"));
        Assert.Equal(Ok, _h.Run("SWAPDB", "2", "2"));
        Assert.Null(_h.LastPayload);
    }

    [Fact]
    public void Swapdb_trades_the_contents_of_two_databases_in_one_small_change()
    {
        _h.Run("SET", "a", "in-0");
        _h.Run(["SADD", "s", .. Enumerable.Range(0, 300).Select(i => $"m{i}")]);
        _h.Db = 1;
        _h.Run("SET", "b", "in-1");

        Assert.Equal(Ok, _h.Run("SWAPDB", "0", "1"));

        Assert.IsType<SwapDbChange>(Assert.Single(_h.LastChanges));
        Assert.Equal(Bulk("in-0"), _h.Run("GET", "a"));
        Assert.Equal(Int(300), _h.Run("SCARD", "s"));
        Assert.Equal(Nil, _h.Run("GET", "b"));
        _h.Db = 0;
        Assert.Equal(Bulk("in-1"), _h.Run("GET", "b"));
        Assert.Equal(Int(1), _h.Run("DBSIZE"));
    }

    [Fact]
    public void Flushdb_clears_the_selected_database_and_flushall_every_one()
    {
        _h.Run("SET", "a", "1");
        _h.Db = 2;
        _h.Run("SET", "b", "2");
        Assert.Equal(Ok, _h.Run("FLUSHDB"));
        Assert.Equal(2, Assert.IsType<FlushDbChange>(Assert.Single(_h.LastChanges)).Db);
        Assert.Equal(Int(0), _h.Run("DBSIZE"));
        _h.Db = 0;
        Assert.Equal(Int(1), _h.Run("DBSIZE"));
        _h.Run("FLUSHALL");
        Assert.Equal(Int(0), _h.Run("DBSIZE"));
    }

    [Fact]
    public void The_leader_expires_keys_of_every_database_through_the_log()
    {
        _h.Db = 4;
        _h.Run("SET", "k", "v", "PX", "10");
        _h.Run("SADD", "s", "m");
        _h.Run("PEXPIRE", "s", "10");
        _h.Db = 9;
        _h.Run("SET", "k", "stays");
        _h.AdvanceMs(20);

        Assert.Equal(2, _h.RunExpiryCycle());

        Assert.Equal(Bulk("stays"), _h.Run("GET", "k"));
        _h.Db = 4;
        Assert.Equal(Int(0), _h.Run("DBSIZE"));
    }

    [Fact]
    public void An_expiry_due_in_a_database_swapped_away_deletes_the_key_where_it_is_now()
    {
        _h.Db = 1;
        _h.Run("SET", "k", "v", "PX", "10");
        _h.Run("SWAPDB", "1", "6");
        _h.AdvanceMs(20);

        Assert.Equal(1, _h.RunExpiryCycle());
        Assert.Equal(6, Assert.IsType<DeleteChange>(Assert.Single(_h.LastChanges)).Db);
    }

    [Fact]
    public void The_digest_tells_databases_apart()
    {
        _h.Run("SET", "k", "v");
        var inZero = KeyspaceDigest.Compute(_h.Storage);
        _h.Run("MOVE", "k", "1");
        Assert.NotEqual(inZero.Digest, KeyspaceDigest.Compute(_h.Storage).Digest);
    }
}
