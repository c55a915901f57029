using Chorus.Commands.Logical;
using Chorus.Resp;
using static Chorus.Commands.Tests.Support.Replies;

namespace Chorus.Commands.Tests;

/// Redis docs and t_string.c: GET, SET and its options, SETNX, GETSET, GETDEL, MGET, MSET, MSETNX.
public sealed class StringCommandTests : IDisposable
{
    private readonly CommandHarness _h = new();

    public void Dispose() => _h.Dispose();

    [Fact]
    public void Set_then_get_round_trips_the_value()
    {
        Assert.Equal(Ok, _h.Run("SET", "k", "hello"));
        Assert.Equal(Bulk("hello"), _h.Run("GET", "k"));
    }

    [Fact]
    public void Keys_and_values_are_binary_safe()
    {
        byte[] key = [0, 255, (byte)'\r', (byte)'\n', 0];
        byte[] value = [(byte)'\r', (byte)'\n', 0, 128, 255];
        Assert.Equal(Ok, _h.RunBytes("SET"u8.ToArray(), key, value));
        Assert.Equal(RespValue.BulkString(value), _h.RunBytes("GET"u8.ToArray(), key));
        Assert.Equal(Nil, _h.RunBytes("GET"u8.ToArray(), [0, 255]));
    }

    [Fact]
    public void Get_of_a_missing_key_is_nil_in_both_protocols()
    {
        Assert.Equal(Nil, _h.Run("GET", "missing"));
        Assert.Equal(Nil, _h.Run3("GET", "missing"));
    }

    [Fact]
    public void String_commands_on_other_types_are_wrongtype()
    {
        _h.Run("HSET", "h", "f", "v");
        Assert.Equal(WrongType, _h.Run("GET", "h"));
        Assert.Equal(WrongType, _h.Run("GETSET", "h", "v"));
        Assert.Equal(WrongType, _h.Run("GETDEL", "h"));
        Assert.Equal(WrongType, _h.Run("SET", "h", "v", "GET"));
        Assert.Equal(WrongType, _h.Run("APPEND", "h", "v"));
        Assert.Equal(WrongType, _h.Run("STRLEN", "h"));
        Assert.Equal(WrongType, _h.Run("GETRANGE", "h", "0", "1"));
        Assert.Equal(WrongType, _h.Run("SETRANGE", "h", "0", "x"));
        Assert.Equal(Bulk("v"), _h.Run("HGET", "h", "f"));
    }

    [Fact]
    public void Set_replaces_a_value_of_any_type()
    {
        _h.Run("SADD", "k", "m");
        Assert.Equal(Ok, _h.Run("SET", "k", "v"));
        Assert.Equal(Status("string"), _h.Run("TYPE", "k"));
    }

    [Fact]
    public void Arity_errors_use_the_lowercase_command_name()
    {
        Assert.Equal(Err("ERR wrong number of arguments for 'set' command"), _h.Run("SET", "k"));
        Assert.Equal(Err("ERR wrong number of arguments for 'get' command"), _h.Run("get", "a", "b"));
        Assert.Equal(Err("ERR wrong number of arguments for 'mset' command"), _h.Run("MSET", "a", "1", "b"));
        Assert.Equal(Err("ERR wrong number of arguments for 'msetnx' command"), _h.Run("MSETNX", "a", "1", "b"));
    }

    [Fact]
    public void Set_nx_sets_only_absent_keys_and_xx_only_present_ones()
    {
        Assert.Equal(Nil, _h.Run("SET", "k", "v", "XX"));
        Assert.Equal(Nil, _h.Run("GET", "k"));
        Assert.Equal(Ok, _h.Run("SET", "k", "v1", "NX"));
        Assert.Equal(Nil, _h.Run("SET", "k", "v2", "nx"));
        Assert.Equal(Ok, _h.Run("SET", "k", "v3", "xx"));
        Assert.Equal(Bulk("v3"), _h.Run("GET", "k"));
    }

    [Fact]
    public void Set_get_replies_with_the_old_value_even_when_nx_or_xx_blocks_the_write()
    {
        Assert.Equal(Nil, _h.Run("SET", "k", "v1", "GET"));
        Assert.Equal(Bulk("v1"), _h.Run("SET", "k", "v2", "GET"));
        Assert.Equal(Bulk("v2"), _h.Run("SET", "k", "v3", "NX", "GET"));
        Assert.Null(_h.LastPayload);
        Assert.Equal(Nil, _h.Run("SET", "other", "v", "XX", "GET"));
        Assert.Equal(0, _h.Run("EXISTS", "other").Integer);
        Assert.Equal(Bulk("v2"), _h.Run("GET", "k"));
    }

    [Theory]
    [InlineData("NX", "XX")]
    [InlineData("XX", "NX")]
    [InlineData("EX")]
    [InlineData("EX", "10", "PX", "10")]
    [InlineData("PXAT", "10", "EXAT", "10")]
    [InlineData("KEEPTTL", "EX", "10")]
    [InlineData("EX", "10", "KEEPTTL")]
    [InlineData("FOO")]
    [InlineData("NX", "PERSIST")]
    public void Set_option_conflicts_and_unknown_options_are_syntax_errors(params string[] options)
    {
        Assert.Equal(Err("ERR syntax error"), _h.Run(["SET", "k", "v", .. options]));
        Assert.Equal(0, _h.Run("EXISTS", "k").Integer);
    }

    [Fact]
    public void Set_accepts_a_repeated_option_and_the_last_expiry_wins()
    {
        Assert.Equal(Ok, _h.Run("SET", "k", "v", "NX", "NX", "EX", "10", "ex", "20"));
        Assert.Equal(Int(20), _h.Run("TTL", "k"));
    }

    [Theory]
    [InlineData("EX", "0", "ERR invalid expire time in 'set' command")]
    [InlineData("PX", "-5", "ERR invalid expire time in 'set' command")]
    [InlineData("EXAT", "0", "ERR invalid expire time in 'set' command")]
    [InlineData("EX", "9223372036854776", "ERR invalid expire time in 'set' command")]
    [InlineData("PX", "9223372036854775807", "ERR invalid expire time in 'set' command")]
    [InlineData("EX", "ten", "ERR value is not an integer or out of range")]
    [InlineData("PX", "1.5", "ERR value is not an integer or out of range")]
    [InlineData("EX", "+10", "ERR value is not an integer or out of range")]
    public void Set_rejects_bad_expire_times_as_redis_does(string option, string time, string error)
    {
        Assert.Equal(Err(error), _h.Run("SET", "k", "v", option, time));
        Assert.Null(_h.LastPayload);
    }

    [Fact]
    public void Set_expiry_options_store_an_absolute_time_from_the_leader_clock()
    {
        _h.Run("SET", "ex", "v", "EX", "100");
        _h.Run("SET", "px", "v", "PX", "1500");
        _h.Run("SET", "exat", "v", "EXAT", ((CommandHarness.StartMs / 1000) + 50).ToString());
        _h.Run("SET", "pxat", "v", "PXAT", (CommandHarness.StartMs + 2500).ToString());
        Assert.Equal(Int(CommandHarness.StartMs + 100_000), _h.Run("PEXPIRETIME", "ex"));
        Assert.Equal(Int(1500), _h.Run("PTTL", "px"));
        Assert.Equal(Int(50), _h.Run("TTL", "exat"));
        Assert.Equal(Int(CommandHarness.StartMs + 2500), _h.Run("PEXPIRETIME", "pxat"));
    }

    [Fact]
    public void Set_drops_the_ttl_unless_keepttl()
    {
        _h.Run("SET", "k", "v", "EX", "100");
        _h.Run("SET", "k", "v2", "KEEPTTL");
        Assert.Equal(Int(100), _h.Run("TTL", "k"));
        _h.Run("SET", "k", "v3");
        Assert.Equal(Int(-1), _h.Run("TTL", "k"));
    }

    [Fact]
    public void Set_with_a_time_already_past_leaves_no_visible_key()
    {
        _h.Run("SET", "k", "old");
        Assert.Equal(Ok, _h.Run("SET", "k", "v", "PXAT", (CommandHarness.StartMs - 1).ToString()));
        Assert.Equal(Nil, _h.Run("GET", "k"));
        Assert.Equal(Int(-2), _h.Run("TTL", "k"));
    }

    [Fact]
    public void Set_of_the_same_value_changes_nothing_and_logs_nothing()
    {
        _h.Run("SET", "k", "v");
        Assert.NotNull(_h.LastPayload);
        Assert.Equal(Ok, _h.Run("SET", "k", "v"));
        Assert.Null(_h.LastPayload);
    }

    [Fact]
    public void Set_logs_a_put_with_the_previous_value_as_before_image()
    {
        _h.Run("SET", "k", "v1");
        var first = Assert.IsType<PutChange>(Assert.Single(_h.LastChanges));
        Assert.Null(first.Before);
        _h.Run("SET", "k", "v2");
        var second = Assert.IsType<PutChange>(Assert.Single(_h.LastChanges));
        Assert.Equal(first.After, second.Before);
    }

    [Fact]
    public void Setnx_replies_1_when_it_sets_and_0_when_the_key_exists()
    {
        Assert.Equal(Int(1), _h.Run("SETNX", "k", "v1"));
        Assert.Equal(Int(0), _h.Run("SETNX", "k", "v2"));
        Assert.Null(_h.LastPayload);
        _h.Run("HSET", "h", "f", "v");
        Assert.Equal(Int(0), _h.Run("SETNX", "h", "v"));
        Assert.Equal(Bulk("v1"), _h.Run("GET", "k"));
    }

    [Fact]
    public void Getset_returns_the_old_value_and_drops_the_ttl()
    {
        Assert.Equal(Nil, _h.Run("GETSET", "k", "v1"));
        _h.Run("EXPIRE", "k", "100");
        Assert.Equal(Bulk("v1"), _h.Run("GETSET", "k", "v2"));
        Assert.Equal(Bulk("v2"), _h.Run("GET", "k"));
        Assert.Equal(Int(-1), _h.Run("TTL", "k"));
    }

    [Fact]
    public void Getdel_returns_the_value_and_deletes_the_key()
    {
        Assert.Equal(Nil, _h.Run("GETDEL", "k"));
        Assert.Null(_h.LastPayload);
        _h.Run("SET", "k", "v");
        Assert.Equal(Bulk("v"), _h.Run("GETDEL", "k"));
        var delete = Assert.IsType<DeleteChange>(Assert.Single(_h.LastChanges));
        Assert.Equal(DeleteReason.Command, delete.Reason);
        Assert.Equal(Int(0), _h.Run("EXISTS", "k"));
    }

    [Fact]
    public void Mget_replies_nil_for_missing_keys_and_for_other_types()
    {
        _h.Run("SET", "a", "1");
        _h.Run("SADD", "s", "m");
        Assert.Equal(Arr(Bulk("1"), Nil, Nil, Bulk("1")), _h.Run("MGET", "a", "missing", "s", "a"));
        Assert.Equal(Arr(Bulk("1"), Nil), _h.Run3("MGET", "a", "s"));
    }

    [Fact]
    public void Mset_sets_every_pair_in_one_log_entry_and_drops_ttls()
    {
        _h.Run("SET", "a", "old", "EX", "100");
        var before = _h.Payloads;
        Assert.Equal(Ok, _h.Run("MSET", "a", "1", "b", "2", "a", "3"));
        Assert.Equal(before + 1, _h.Payloads);
        Assert.Equal(3, _h.LastChanges.Count);
        Assert.Equal(Arr("3", "2"), _h.Run("MGET", "a", "b"));
        Assert.Equal(Int(-1), _h.Run("TTL", "a"));
    }

    [Fact]
    public void Msetnx_sets_nothing_when_any_key_exists_whatever_its_type()
    {
        _h.Run("SADD", "b", "m");
        Assert.Equal(Int(0), _h.Run("MSETNX", "a", "1", "b", "2"));
        Assert.Null(_h.LastPayload);
        Assert.Equal(Int(0), _h.Run("EXISTS", "a"));
        Assert.Equal(Int(1), _h.Run("MSETNX", "a", "1", "c", "2"));
        Assert.Equal(Arr("1", "2"), _h.Run("MGET", "a", "c"));
    }
}
