using Chorus.Resp;
using static Chorus.Commands.Tests.Support.Replies;

namespace Chorus.Commands.Tests;

/// <summary>
/// Redis docs and t_stream.c (7.0): XADD XRANGE XREVRANGE XLEN XDEL XTRIM XREAD, and streams under
/// the key commands. Every write here is also checked by the harness: a logical follower, an
/// apply-then-undo mirror and a statement follower whose clock runs ahead all reach the leader's state.
/// </summary>
public sealed class StreamCommandTests : IDisposable
{
    private readonly CommandHarness _h = new();

    public void Dispose() => _h.Dispose();

    private static RespValue Entry(string id, params string[] fields) => Arr(Bulk(id), Arr(fields));

    [Fact]
    public void Xadd_with_explicit_ids_appends_in_id_order_and_ranges_read_them_back()
    {
        Assert.Equal(Bulk("1-1"), _h.Run("XADD", "s", "1-1", "a", "1"));
        Assert.Equal(Bulk("1-2"), _h.Run("XADD", "s", "1-*", "b", "2"));
        Assert.Equal(Bulk("5-0"), _h.Run("XADD", "s", "5", "c", "3", "c", "4"));
        Assert.Equal(Status("stream"), _h.Run("TYPE", "s"));
        Assert.Equal(Int(3), _h.Run("XLEN", "s"));
        Assert.Equal(Arr(Entry("1-1", "a", "1"), Entry("1-2", "b", "2"), Entry("5-0", "c", "3", "c", "4")), _h.Run("XRANGE", "s", "-", "+"));
        Assert.Equal(Arr(Entry("5-0", "c", "3", "c", "4"), Entry("1-2", "b", "2")), _h.Run("XREVRANGE", "s", "+", "-", "COUNT", "2"));
        Assert.Equal(Arr(Entry("1-2", "b", "2")), _h.Run("XRANGE", "s", "(1-1", "(5-0"));
        Assert.Equal(Arr(Entry("1-1", "a", "1"), Entry("1-2", "b", "2")), _h.Run("XRANGE", "s", "1", "1"));
        Assert.Equal(Nil, _h.Run("XRANGE", "s", "-", "+", "COUNT", "0"));
    }

    [Fact]
    public void Bad_ids_get_redis_s_errors()
    {
        _h.Run("XADD", "s", "5-5", "f", "v");
        Assert.Equal(Err("ERR The ID specified in XADD is equal or smaller than the target stream top item"), _h.Run("XADD", "s", "5-5", "f", "v"));
        Assert.Equal(Err("ERR The ID specified in XADD is equal or smaller than the target stream top item"), _h.Run("XADD", "s", "4-*", "f", "v"));
        Assert.Equal(Err("ERR The ID specified in XADD must be greater than 0-0"), _h.Run("XADD", "t", "0-0", "f", "v"));
        Assert.Equal(Err("ERR Invalid stream ID specified as stream command argument"), _h.Run("XADD", "s", "1-x", "f", "v"));
        Assert.Equal(Err("ERR wrong number of arguments for 'xadd' command"), _h.Run("XADD", "s", "9-0", "f", "v", "g"));
        Assert.Equal(Err("ERR invalid end ID for the interval"), _h.Run("XRANGE", "s", "-", "(0-0"));
        Assert.Equal(Err("ERR syntax error, LIMIT cannot be used without the special ~ option"), _h.Run("XTRIM", "s", "MAXLEN", "1", "LIMIT", "5"));
        Assert.Equal(Err("ERR syntax error, MAXLEN and MINID options at the same time are not compatible"), _h.Run("XTRIM", "s", "MAXLEN", "1", "MINID", "1"));
        _h.Run("SET", "str", "x");
        Assert.Equal(WrongType, _h.Run("XADD", "str", "*", "f", "v"));
        Assert.Equal(WrongType, _h.Run("XLEN", "str"));
        Assert.Equal(WrongType, _h.Run("LPUSH", "s", "x"));
        Assert.Equal(Int(1), _h.Run("XLEN", "s"));
    }

    /// Redis's streamNextID: the time's milliseconds, or the last id + 1 when the time is not past it.
    [Fact]
    public void Xadd_star_takes_the_leader_s_time_and_stays_monotonic_when_the_clock_goes_back()
    {
        var ms = CommandHarness.StartMs;
        Assert.Equal(Bulk($"{ms}-0"), _h.Run("XADD", "s", "*", "f", "1"));
        Assert.Equal(Bulk($"{ms}-1"), _h.Run("XADD", "s", "*", "f", "2"));
        _h.AdvanceMs(-5000);
        Assert.Equal(Bulk($"{ms}-2"), _h.Run("XADD", "s", "*", "f", "3"));
        // The statement log carries the id the leader chose, not "*" (the harness's statement
        // follower, whose clock is ahead, replays it and reaches the same state).
        Assert.Equal($"XADD \"s\" \"{ms}-2\" \"f\" \"3\"", _h.LastStatement!.ToString());
        _h.AdvanceMs(10_000);
        Assert.Equal(Bulk($"{ms + 5000}-0"), _h.Run("XADD", "s", "MAXLEN", "2", "*", "f", "4"));
        Assert.Equal($"XADD \"s\" \"MAXLEN\" \"2\" \"{ms + 5000}-0\" \"f\" \"4\"", _h.LastStatement!.ToString());
        Assert.Equal(Int(2), _h.Run("XLEN", "s"));
    }

    [Fact]
    public void Nomkstream_does_not_create_a_stream()
    {
        Assert.Equal(Nil, _h.Run("XADD", "s", "NOMKSTREAM", "*", "f", "v"));
        Assert.Equal(Int(0), _h.Run("EXISTS", "s"));
    }

    /// A stream emptied by XDEL or XTRIM stays (Redis keeps empty streams), and remembers its last id.
    [Fact]
    public void Deleting_and_trimming_every_entry_keeps_an_empty_stream_with_its_last_id()
    {
        _h.Run("XADD", "s", "1-0", "f", "v");
        _h.Run("XADD", "s", "2-0", "f", "v");
        _h.Run("XADD", "s", "3-0", "f", "v");
        Assert.Equal(Int(1), _h.Run("XDEL", "s", "2-0", "2-0", "9-9"));
        Assert.Equal(Int(1), _h.Run("XTRIM", "s", "MINID", "2"));
        Assert.Equal(Arr(Entry("3-0", "f", "v")), _h.Run("XRANGE", "s", "-", "+"));
        Assert.Equal(Int(1), _h.Run("XTRIM", "s", "MAXLEN", "=", "0"));
        Assert.Equal(Int(0), _h.Run("XLEN", "s"));
        Assert.Equal(Int(1), _h.Run("EXISTS", "s"));
        Assert.Equal(Err("ERR The ID specified in XADD is equal or smaller than the target stream top item"), _h.Run("XADD", "s", "3-0", "f", "v"));
        Assert.Equal(Bulk("3-1"), _h.Run("XADD", "s", "3-*", "f", "v"));
    }

    /// Redis trims whole nodes with "~": a stream within one node goes whole or not at all.
    [Fact]
    public void Approximate_trimming_removes_whole_nodes_only()
    {
        for (var i = 1; i <= 150; i++)
        {
            _h.Run("XADD", "s", $"{i}-0", "f", "v");
        }
        Assert.Equal(Int(0), _h.Run("XTRIM", "s", "MAXLEN", "~", "60"));
        Assert.Equal(Int(100), _h.Run("XTRIM", "s", "MAXLEN", "~", "10"));
        Assert.Equal(Int(0), _h.Run("XTRIM", "s", "MINID", "~", "200", "LIMIT", "49"));
        Assert.Equal(Int(50), _h.Run("XTRIM", "s", "MINID", "~", "200"));
        Assert.Equal(Int(0), _h.Run("XLEN", "s"));
    }

    [Fact]
    public void Xread_returns_entries_after_each_id_from_streams_that_have_any()
    {
        _h.Run("XADD", "a", "1-0", "f", "1");
        _h.Run("XADD", "a", "2-0", "f", "2");
        _h.Run("XADD", "b", "1-0", "g", "1");
        Assert.Equal(
            Arr(Arr(Bulk("a"), Arr(Entry("2-0", "f", "2")))),
            _h.Run("XREAD", "STREAMS", "a", "b", "1-0", "1-0"));
        Assert.Equal(
            Arr(Arr(Bulk("a"), Arr(Entry("1-0", "f", "1"))), Arr(Bulk("b"), Arr(Entry("1-0", "g", "1")))),
            _h.Run("XREAD", "COUNT", "1", "STREAMS", "a", "b", "0", "0"));
        Assert.Equal(Nil, _h.Run("XREAD", "STREAMS", "a", "b", "$", "$"));
        // Outside the node's loop nothing may wait: BLOCK answers as a timeout, as in MULTI.
        Assert.Equal(Nil, _h.Run("XREAD", "BLOCK", "0", "STREAMS", "a", "$"));
        Assert.Equal(Err("ERR Unbalanced XREAD list of streams: for each stream key an ID or '$' must be specified."), _h.Run("XREAD", "STREAMS", "a", "b", "0"));
        Assert.Equal(Err("ERR timeout is negative"), _h.Run("XREAD", "BLOCK", "-1", "STREAMS", "a", "0"));
    }

    [Fact]
    public void Key_commands_move_copy_expire_and_delete_a_stream_whole()
    {
        _h.Run("XADD", "s", "1-0", "f", "v");
        _h.Run("XADD", "s", "2-0", "g", "w");
        _h.Run("XDEL", "s", "2-0");
        Assert.Equal(Ok, _h.Run("RENAME", "s", "t"));
        Assert.Equal(Int(1), _h.Run("COPY", "t", "u"));
        Assert.Equal(Arr(Entry("1-0", "f", "v")), _h.Run("XRANGE", "u", "-", "+"));
        // The copy keeps the metadata: its last id is still 2-0.
        Assert.Equal(Err("ERR The ID specified in XADD is equal or smaller than the target stream top item"), _h.Run("XADD", "u", "2-0", "f", "v"));
        Assert.Equal(Bulk("stream"), _h.Run("OBJECT", "ENCODING", "u"));
        Assert.Equal(Int(1), _h.Run("EXPIRE", "u", "10"));
        Assert.Equal(Int(1), _h.Run("DEL", "t"));
        Assert.Equal(Int(0), _h.Run("XLEN", "t"));
        var dump = _h.Run("DUMP", "u");
        Assert.Equal(Ok, _h.RunBytes("RESTORE"u8.ToArray(), "w"u8.ToArray(), "0"u8.ToArray(), dump.Bytes.ToArray()));
        Assert.Equal(Arr(Entry("1-0", "f", "v")), _h.Run("XRANGE", "w", "-", "+"));
        Assert.Equal(Err("ERR The ID specified in XADD is equal or smaller than the target stream top item"), _h.Run("XADD", "w", "2-0", "f", "v"));
        _h.AdvanceMs(11_000);
        Assert.Equal(Int(0), _h.Run("EXISTS", "u"));
    }
}
