using Chorus.Commands.Logical;
using Chorus.Resp;
using static Chorus.Commands.Tests.Support.Replies;

namespace Chorus.Commands.Tests;

/// Redis docs and t_list.c: LPUSH RPUSH LPUSHX RPUSHX LPOP RPOP LMPOP LLEN LINDEX LRANGE LSET LINSERT LREM LTRIM LPOS LMOVE RPOPLPUSH.
public sealed class ListCommandTests : IDisposable
{
    private readonly CommandHarness _h = new();

    public void Dispose() => _h.Dispose();

    [Fact]
    public void Pushes_add_each_element_in_turn_and_reply_with_the_length()
    {
        Assert.Equal(Int(3), _h.Run("LPUSH", "l", "a", "b", "c"));
        Assert.Equal(Int(5), _h.Run("RPUSH", "l", "d", "e"));
        var change = Assert.IsType<ListChange>(Assert.Single(_h.LastChanges));
        Assert.Equal([ListEditKind.PushRight, ListEditKind.PushRight], change.Edits.Select(e => e.Kind));
        Assert.Equal(Arr("c", "b", "a", "d", "e"), _h.Run("LRANGE", "l", "0", "-1"));
        Assert.Equal(Int(5), _h.Run("LLEN", "l"));
    }

    [Fact]
    public void Pushx_only_pushes_onto_an_existing_list()
    {
        Assert.Equal(Int(0), _h.Run("LPUSHX", "l", "a"));
        Assert.Equal(Int(0), _h.Run("EXISTS", "l"));
        _h.Run("RPUSH", "l", "a");
        Assert.Equal(Int(2), _h.Run("RPUSHX", "l", "b"));
        Assert.Equal(Int(3), _h.Run("LPUSHX", "l", "z"));
        Assert.Equal(Arr("z", "a", "b"), _h.Run("LRANGE", "l", "0", "-1"));
    }

    [Fact]
    public void Pops_take_from_either_end_with_or_without_a_count()
    {
        _h.Run("RPUSH", "l", "a", "b", "c", "d", "e");
        Assert.Equal(Bulk("a"), _h.Run("LPOP", "l"));
        Assert.Equal(Bulk("e"), _h.Run("RPOP", "l"));
        Assert.Equal(Arr("b", "c"), _h.Run("LPOP", "l", "2"));
        Assert.Equal(EmptyArray, _h.Run("LPOP", "l", "0"));
        Assert.Equal(Arr("d"), _h.Run("RPOP", "l", "10"));
        Assert.Equal(Int(0), _h.Run("EXISTS", "l"));
        Assert.Equal(Nil, _h.Run("LPOP", "l"));
        Assert.Equal(RespValue.Null, _h.Run("LPOP", "l", "2"));
        Assert.Equal(Err("ERR value is out of range, must be positive"), _h.Run("LPOP", "l", "-1"));
        Assert.Equal(Err("ERR wrong number of arguments for 'lpop' command"), _h.Run("LPOP", "l", "1", "2"));
    }

    [Fact]
    public void Lmpop_pops_from_the_first_non_empty_list()
    {
        _h.Run("RPUSH", "b", "1", "2", "3");
        Assert.Equal(Arr(Bulk("b"), Arr("3", "2")), _h.Run("LMPOP", "2", "a", "b", "RIGHT", "COUNT", "2"));
        Assert.Equal(Arr(Bulk("b"), Arr("1")), _h.Run("LMPOP", "2", "a", "b", "LEFT"));
        Assert.Equal(RespValue.Null, _h.Run("LMPOP", "2", "a", "b", "LEFT"));
        Assert.Equal(Err("ERR numkeys should be greater than 0"), _h.Run("LMPOP", "0", "a", "LEFT"));
        Assert.Equal(Err("ERR syntax error"), _h.Run("LMPOP", "2", "a", "LEFT"));
        Assert.Equal(Err("ERR syntax error"), _h.Run("LMPOP", "1", "a", "UP"));
        Assert.Equal(Err("ERR count should be greater than 0"), _h.Run("LMPOP", "1", "a", "LEFT", "COUNT", "0"));
    }

    [Fact]
    public void Lrange_and_lindex_follow_redis_index_rules()
    {
        _h.Run("RPUSH", "l", "a", "b", "c", "d");
        Assert.Equal(Arr("b", "c"), _h.Run("LRANGE", "l", "1", "2"));
        Assert.Equal(Arr("c", "d"), _h.Run("LRANGE", "l", "-2", "100"));
        Assert.Equal(Arr("a", "b", "c", "d"), _h.Run("LRANGE", "l", "-100", "-1"));
        Assert.Equal(EmptyArray, _h.Run("LRANGE", "l", "3", "1"));
        Assert.Equal(EmptyArray, _h.Run("LRANGE", "l", "4", "10"));
        Assert.Equal(EmptyArray, _h.Run("LRANGE", "missing", "0", "-1"));
        Assert.Equal(Bulk("d"), _h.Run("LINDEX", "l", "-1"));
        Assert.Equal(Bulk("a"), _h.Run("LINDEX", "l", "0"));
        Assert.Equal(Nil, _h.Run("LINDEX", "l", "4"));
        Assert.Equal(Nil, _h.Run("LINDEX", "l", "-5"));
        Assert.Equal(Err("ERR value is not an integer or out of range"), _h.Run("LINDEX", "l", "x"));
    }

    [Fact]
    public void Lset_replaces_one_element_in_place()
    {
        _h.Run("RPUSH", "l", "a", "b", "c");
        Assert.Equal(Ok, _h.Run("LSET", "l", "-1", "z"));
        Assert.Equal(ListEditKind.Set, Assert.Single(Assert.IsType<ListChange>(Assert.Single(_h.LastChanges)).Edits).Kind);
        Assert.Equal(Arr("a", "b", "z"), _h.Run("LRANGE", "l", "0", "-1"));
        Assert.Equal(Err("ERR index out of range"), _h.Run("LSET", "l", "3", "x"));
        Assert.Equal(Err("ERR no such key"), _h.Run("LSET", "missing", "0", "x"));
    }

    [Fact]
    public void Linsert_puts_an_element_next_to_the_first_pivot()
    {
        _h.Run("RPUSH", "l", "a", "b", "c", "b");
        Assert.Equal(Int(5), _h.Run("LINSERT", "l", "BEFORE", "b", "x"));
        Assert.Equal(Int(6), _h.Run("LINSERT", "l", "after", "c", "y"));
        Assert.Equal(Arr("a", "x", "b", "c", "y", "b"), _h.Run("LRANGE", "l", "0", "-1"));
        Assert.Equal(Int(-1), _h.Run("LINSERT", "l", "BEFORE", "nope", "x"));
        Assert.Equal(Int(0), _h.Run("LINSERT", "missing", "BEFORE", "a", "x"));
        Assert.Equal(Err("ERR syntax error"), _h.Run("LINSERT", "l", "MIDDLE", "a", "x"));
    }

    [Fact]
    public void Lrem_removes_matches_from_the_head_the_tail_or_everywhere()
    {
        _h.Run("RPUSH", "l", "a", "b", "a", "c", "a", "b", "a");
        Assert.Equal(Int(2), _h.Run("LREM", "l", "2", "a"));
        Assert.Equal(Arr("b", "c", "a", "b", "a"), _h.Run("LRANGE", "l", "0", "-1"));
        Assert.Equal(Int(1), _h.Run("LREM", "l", "-1", "b"));
        Assert.Equal(Arr("b", "c", "a", "a"), _h.Run("LRANGE", "l", "0", "-1"));
        Assert.Equal(Int(2), _h.Run("LREM", "l", "0", "a"));
        Assert.Equal(Arr("b", "c"), _h.Run("LRANGE", "l", "0", "-1"));
        Assert.Equal(Int(0), _h.Run("LREM", "l", "0", "zz"));
        Assert.Null(_h.LastPayload);
        Assert.Equal(Int(1), _h.Run("LREM", "l", "-5", "b"));
        Assert.Equal(Arr("c"), _h.Run("LRANGE", "l", "0", "-1"));
    }

    [Fact]
    public void Ltrim_keeps_a_range_and_an_empty_range_deletes_the_key()
    {
        _h.Run("RPUSH", "l", "a", "b", "c", "d", "e");
        Assert.Equal(Ok, _h.Run("LTRIM", "l", "1", "-2"));
        Assert.Equal(Arr("b", "c", "d"), _h.Run("LRANGE", "l", "0", "-1"));
        Assert.Equal(Ok, _h.Run("LTRIM", "l", "0", "100"));
        Assert.Null(_h.LastPayload);
        Assert.Equal(Ok, _h.Run("LTRIM", "l", "5", "10"));
        Assert.Equal(Int(0), _h.Run("EXISTS", "l"));
        Assert.Equal(Ok, _h.Run("LTRIM", "missing", "0", "1"));
    }

    [Fact]
    public void Lpos_finds_positions_by_rank_count_and_maxlen()
    {
        _h.Run("RPUSH", "l", "a", "b", "c", "1", "2", "3", "c", "c");
        Assert.Equal(Int(2), _h.Run("LPOS", "l", "c"));
        Assert.Equal(Int(6), _h.Run("LPOS", "l", "c", "RANK", "2"));
        Assert.Equal(Int(7), _h.Run("LPOS", "l", "c", "RANK", "-1"));
        Assert.Equal(Arr(Int(2), Int(6)), _h.Run("LPOS", "l", "c", "COUNT", "2"));
        Assert.Equal(Arr(Int(2), Int(6), Int(7)), _h.Run("LPOS", "l", "c", "COUNT", "0"));
        Assert.Equal(Arr(Int(7), Int(6)), _h.Run("LPOS", "l", "c", "RANK", "-1", "COUNT", "2"));
        Assert.Equal(EmptyArray, _h.Run("LPOS", "l", "c", "COUNT", "0", "MAXLEN", "2"));
        Assert.Equal(Int(7), _h.Run("LPOS", "l", "c", "RANK", "-1", "MAXLEN", "1"));
        Assert.Equal(Nil, _h.Run("LPOS", "l", "zz"));
        Assert.Equal(Nil, _h.Run("LPOS", "missing", "a"));
        Assert.Equal(EmptyArray, _h.Run("LPOS", "missing", "a", "COUNT", "1"));
        Assert.Equal(Err("ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list"), _h.Run("LPOS", "l", "c", "RANK", "0"));
        Assert.Equal(Err("ERR COUNT can't be negative"), _h.Run("LPOS", "l", "c", "COUNT", "-1"));
        Assert.Equal(Err("ERR MAXLEN can't be negative"), _h.Run("LPOS", "l", "c", "MAXLEN", "-1"));
        Assert.Equal(Err("ERR syntax error"), _h.Run("LPOS", "l", "c", "FOO", "1"));
    }

    [Fact]
    public void Lmove_and_rpoplpush_move_between_ends_and_rotate_one_list()
    {
        _h.Run("RPUSH", "src", "a", "b", "c");
        Assert.Equal(Bulk("c"), _h.Run("RPOPLPUSH", "src", "dst"));
        Assert.Equal(Bulk("a"), _h.Run("LMOVE", "src", "dst", "LEFT", "RIGHT"));
        Assert.Equal(Arr("c", "a"), _h.Run("LRANGE", "dst", "0", "-1"));
        Assert.Equal(Bulk("c"), _h.Run("LMOVE", "dst", "dst", "LEFT", "RIGHT"));
        Assert.Single(_h.LastChanges);
        Assert.Equal(Arr("a", "c"), _h.Run("LRANGE", "dst", "0", "-1"));
        Assert.Equal(Bulk("b"), _h.Run("LMOVE", "src", "dst", "RIGHT", "LEFT"));
        Assert.Equal(Int(0), _h.Run("EXISTS", "src"));
        Assert.Equal(Nil, _h.Run("LMOVE", "src", "dst", "LEFT", "LEFT"));
        _h.Run("RPUSH", "one", "x");
        Assert.Equal(Bulk("x"), _h.Run("LMOVE", "one", "one", "LEFT", "RIGHT"));
        Assert.Equal(Arr("x"), _h.Run("LRANGE", "one", "0", "-1"));
        _h.Run("SET", "str", "v");
        Assert.Equal(WrongType, _h.Run("LMOVE", "dst", "str", "LEFT", "LEFT"));
        Assert.Equal(Int(3), _h.Run("LLEN", "dst"));
        Assert.Equal(Err("ERR syntax error"), _h.Run("LMOVE", "dst", "x", "UP", "LEFT"));
    }

    [Fact]
    public void List_commands_on_other_types_are_wrongtype()
    {
        _h.Run("SET", "s", "v");
        foreach (var command in new[]
        {
            new[] { "LPUSH", "s", "a" }, ["RPUSHX", "s", "a"], ["LPOP", "s"], ["RPOP", "s", "2"], ["LLEN", "s"], ["LINDEX", "s", "0"],
            ["LRANGE", "s", "0", "1"], ["LSET", "s", "0", "a"], ["LINSERT", "s", "BEFORE", "a", "b"], ["LREM", "s", "0", "a"],
            ["LTRIM", "s", "0", "1"], ["LPOS", "s", "a"], ["LMPOP", "1", "s", "LEFT"], ["RPOPLPUSH", "s", "d"],
        })
        {
            Assert.Equal(WrongType, _h.Run(command));
        }
    }

    [Fact]
    public void A_long_list_keeps_its_order_through_pushes_pops_inserts_and_removals()
    {
        var model = new List<string?>();
        var random = new Random(5);
        for (var i = 0; i < 400; i++)
        {
            var value = $"v{random.Next(30)}";
            switch (random.Next(6))
            {
                case 0:
                    _h.Run("LPUSH", "l", value);
                    model.Insert(0, value);
                    break;
                case 1:
                    _h.Run("RPUSH", "l", value);
                    model.Add(value);
                    break;
                case 2 when model.Count > 0:
                    _h.Run("LPOP", "l");
                    model.RemoveAt(0);
                    break;
                case 3 when model.Count > 0:
                    var pivot = model[random.Next(model.Count)]!;
                    _h.Run("LINSERT", "l", "AFTER", pivot, value);
                    model.Insert(model.IndexOf(pivot) + 1, value);
                    break;
                case 4 when model.Count > 0:
                    var removed = model[random.Next(model.Count)]!;
                    _h.Run("LREM", "l", "1", removed);
                    model.Remove(removed);
                    break;
                default:
                    _h.Run("RPUSH", "l", value);
                    model.Add(value);
                    break;
            }
        }
        Assert.Equal(model, _h.Run("LRANGE", "l", "0", "-1").Texts());
    }
}
