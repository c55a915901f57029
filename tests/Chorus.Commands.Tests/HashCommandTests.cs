using Chorus.Commands.Logical;
using Chorus.Resp;
using static Chorus.Commands.Tests.Support.Replies;

namespace Chorus.Commands.Tests;

/// Redis docs and t_hash.c: HSET HSETNX HMSET HGET HMGET HGETALL HKEYS HVALS HDEL HLEN HEXISTS HSTRLEN HINCRBY.
public sealed class HashCommandTests : IDisposable
{
    private readonly CommandHarness _h = new();

    public void Dispose() => _h.Dispose();

    [Fact]
    public void Hset_replies_with_the_number_of_new_fields()
    {
        Assert.Equal(Int(2), _h.Run("HSET", "h", "a", "1", "b", "2"));
        Assert.Equal(Int(1), _h.Run("HSET", "h", "a", "10", "c", "3"));
        Assert.Equal(Arr("10", "2", "3"), _h.Run("HMGET", "h", "a", "b", "c"));
        Assert.Equal(Int(3), _h.Run("HLEN", "h"));
    }

    [Fact]
    public void Hset_needs_whole_field_value_pairs()
    {
        Assert.Equal(Err("ERR wrong number of arguments for 'hset' command"), _h.Run("HSET", "h", "f"));
        Assert.Equal(Err("ERR wrong number of arguments for 'hset' command"), _h.Run("HSET", "h", "f", "v", "g"));
        Assert.Equal(Err("ERR wrong number of arguments for 'hmset' command"), _h.Run("HMSET", "h", "f", "v", "g"));
        Assert.Equal(Int(0), _h.Run("EXISTS", "h"));
    }

    [Fact]
    public void Hmset_replies_ok()
    {
        Assert.Equal(Ok, _h.Run("HMSET", "h", "a", "1", "b", "2"));
        Assert.Equal(Bulk("2"), _h.Run("HGET", "h", "b"));
    }

    [Fact]
    public void A_new_hash_is_logged_as_one_change_that_creates_it()
    {
        _h.Run("HSET", "h", "a", "1", "a", "2");
        var change = Assert.IsType<HashChange>(Assert.Single(_h.LastChanges));
        Assert.Null(change.Before);
        Assert.Equal(
            [("a", "1", null), ("a", "2", "1")],
            change.Fields.Select(f => (Text(f.Field), Text(f.Value!), f.Previous is null ? null : Text(f.Previous))));
        Assert.Equal(Bulk("2"), _h.Run("HGET", "h", "a"));
    }

    [Fact]
    public void An_existing_hash_logs_each_assignment_with_the_value_it_replaced()
    {
        _h.Run("HSET", "h", "a", "1");
        Assert.Equal(Int(1), _h.Run("HSET", "h", "a", "2", "b", "3", "a", "4"));
        var change = Assert.IsType<HashChange>(Assert.Single(_h.LastChanges));
        Assert.NotNull(change.Before);
        Assert.Equal(
            [("a", "2", "1"), ("b", "3", null), ("a", "4", "2")],
            change.Fields.Select(f => (Text(f.Field), Text(f.Value!), f.Previous is null ? null : Text(f.Previous))));
        Assert.Equal(Bulk("4"), _h.Run("HGET", "h", "a"));
    }

    [Fact]
    public void Setting_fields_to_their_current_values_logs_nothing()
    {
        _h.Run("HSET", "h", "a", "1", "b", "2");
        Assert.Equal(Int(0), _h.Run("HSET", "h", "a", "1", "b", "2"));
        Assert.Null(_h.LastPayload);
    }

    [Fact]
    public void Hset_keeps_the_ttl_of_an_existing_hash()
    {
        _h.Run("HSET", "h", "a", "1");
        _h.Run("EXPIRE", "h", "100");
        _h.Run("HSET", "h", "b", "2");
        Assert.Equal(Int(100), _h.Run("TTL", "h"));
    }

    [Fact]
    public void Hsetnx_sets_only_new_fields()
    {
        Assert.Equal(Int(1), _h.Run("HSETNX", "h", "f", "1"));
        Assert.Equal(Int(0), _h.Run("HSETNX", "h", "f", "2"));
        Assert.Null(_h.LastPayload);
        Assert.Equal(Int(1), _h.Run("HSETNX", "h", "g", "3"));
        Assert.Equal(Arr("1", "3"), _h.Run("HMGET", "h", "f", "g"));
    }

    [Fact]
    public void Hget_and_hmget_reply_nil_for_missing_keys_and_fields()
    {
        Assert.Equal(Nil, _h.Run("HGET", "h", "f"));
        Assert.Equal(Arr(Nil, Nil), _h.Run("HMGET", "h", "f", "g"));
        _h.Run("HSET", "h", "f", "v");
        Assert.Equal(Nil, _h.Run("HGET", "h", "g"));
        Assert.Equal(Arr(Bulk("v"), Nil, Bulk("v")), _h.Run("HMGET", "h", "f", "g", "f"));
    }

    [Fact]
    public void Hgetall_is_a_flat_array_in_resp2_and_a_map_in_resp3()
    {
        _h.Run("HSET", "h", "a", "1", "b", "2");
        var flat = _h.Run("HGETALL", "h").Texts();
        Assert.Equal(4, flat.Count);
        Assert.Equal(new Dictionary<string, string> { ["a"] = "1", ["b"] = "2" }, Enumerable.Range(0, 2).ToDictionary(i => flat[2 * i]!, i => flat[(2 * i) + 1]!));
        var map = _h.Run3("HGETALL", "h");
        Assert.Equal(RespValueKind.Map, map.Kind);
        Assert.Equal(flat, map.Items.Select(i => i.AsString()).ToList());
        Assert.Equal(EmptyArray, _h.Run("HGETALL", "missing"));
        Assert.Equal(RespValue.Map(), _h.Run3("HGETALL", "missing"));
    }

    [Fact]
    public void Hkeys_and_hvals_are_arrays_in_both_protocols()
    {
        _h.Run("HSET", "h", "a", "1", "b", "2");
        Assert.Equal(["a", "b"], _h.Run("HKEYS", "h").Sorted());
        Assert.Equal(RespValueKind.Array, _h.Run3("HKEYS", "h").Kind);
        Assert.Equal(["1", "2"], _h.Run3("HVALS", "h").Sorted());
        Assert.Equal(EmptyArray, _h.Run("HVALS", "missing"));
    }

    [Fact]
    public void Hdel_counts_removed_fields_and_logs_only_fields_that_existed()
    {
        _h.Run("HSET", "h", "a", "1", "b", "2", "c", "3");
        Assert.Equal(Int(1), _h.Run("HDEL", "h", "a", "x", "a"));
        var change = Assert.IsType<HashChange>(Assert.Single(_h.LastChanges));
        var field = Assert.Single(change.Fields);
        Assert.Null(field.Value);
        Assert.Equal(("a", "1"), (Text(field.Field), Text(field.Previous!)));
        Assert.Equal(Int(0), _h.Run("HDEL", "h", "x"));
        Assert.Null(_h.LastPayload);
    }

    [Fact]
    public void Removing_the_last_field_deletes_the_key()
    {
        _h.Run("HSET", "h", "a", "1", "b", "2");
        _h.Run("EXPIRE", "h", "100");
        Assert.Equal(Int(2), _h.Run("HDEL", "h", "a", "b", "c"));
        Assert.Equal(2, Assert.IsType<HashChange>(Assert.Single(_h.LastChanges)).Fields.Count);
        Assert.Equal(Int(0), _h.Run("EXISTS", "h"));
        Assert.Equal(Int(0), _h.Run("HDEL", "h", "a"));
    }

    [Fact]
    public void Hlen_hexists_and_hstrlen_measure_fields()
    {
        _h.Run("HSET", "h", "f", "hello");
        Assert.Equal(Int(1), _h.Run("HLEN", "h"));
        Assert.Equal(Int(1), _h.Run("HEXISTS", "h", "f"));
        Assert.Equal(Int(0), _h.Run("HEXISTS", "h", "g"));
        Assert.Equal(Int(5), _h.Run("HSTRLEN", "h", "f"));
        Assert.Equal(Int(0), _h.Run("HSTRLEN", "h", "g"));
        Assert.Equal(Int(0), _h.Run("HLEN", "missing"));
        Assert.Equal(Int(0), _h.Run("HEXISTS", "missing", "f"));
    }

    [Fact]
    public void Hash_commands_on_other_types_are_wrongtype()
    {
        _h.Run("SET", "s", "v");
        foreach (var command in new[]
        {
            new[] { "HSET", "s", "f", "v" }, ["HSETNX", "s", "f", "v"], ["HMSET", "s", "f", "v"], ["HGET", "s", "f"],
            ["HMGET", "s", "f"], ["HGETALL", "s"], ["HKEYS", "s"], ["HVALS", "s"], ["HDEL", "s", "f"], ["HLEN", "s"],
            ["HEXISTS", "s", "f"], ["HSTRLEN", "s", "f"], ["HINCRBY", "s", "f", "1"], ["HRANDFIELD", "s"],
        })
        {
            Assert.Equal(WrongType, _h.Run(command));
        }
    }

    [Fact]
    public void Hincrby_adds_to_a_field_and_checks_overflow()
    {
        Assert.Equal(Int(5), _h.Run("HINCRBY", "h", "f", "5"));
        Assert.Equal(Int(-5), _h.Run("HINCRBY", "h", "f", "-10"));
        _h.Run("HSET", "h", "max", "9223372036854775807", "text", "abc");
        Assert.Equal(Err("ERR increment or decrement would overflow"), _h.Run("HINCRBY", "h", "max", "1"));
        Assert.Equal(Err("ERR hash value is not an integer"), _h.Run("HINCRBY", "h", "text", "1"));
        Assert.Equal(Err("ERR value is not an integer or out of range"), _h.Run("HINCRBY", "h", "f", "1.5"));
        Assert.Equal(Bulk("-5"), _h.Run("HGET", "h", "f"));
    }

    private static string Text(byte[] bytes) => System.Text.Encoding.UTF8.GetString(bytes);
}
