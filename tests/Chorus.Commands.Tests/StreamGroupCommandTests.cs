using Chorus.Resp;
using static Chorus.Commands.Tests.Support.Replies;

namespace Chorus.Commands.Tests;

/// <summary>
/// Consumer groups, from the Redis 7.0 docs and t_stream.c (replies checked against redis-server
/// 7.0): XGROUP, XREADGROUP, XACK, XPENDING, XCLAIM, XAUTOCLAIM, XINFO, XSETID. Every write is also
/// checked by the harness: a logical follower, an apply-then-undo mirror and a statement follower
/// whose clock runs ahead all reach the leader's state (groups, consumers and PEL included).
/// </summary>
public sealed class StreamGroupCommandTests : IDisposable
{
    private readonly CommandHarness _h = new();

    public void Dispose() => _h.Dispose();

    private static RespValue Entry(string id, params string[] fields) => Arr(Bulk(id), Arr(fields));

    private void AddThree()
    {
        _h.Run("XADD", "s", "1-1", "a", "1");
        _h.Run("XADD", "s", "2-1", "b", "2");
        _h.Run("XADD", "s", "3-1", "c", "3");
    }

    [Fact]
    public void Xgroup_create_needs_the_key_unless_mkstream_and_refuses_a_second_group_of_the_same_name()
    {
        Assert.Equal(Err("ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically."), _h.Run("XGROUP", "CREATE", "s", "g", "$"));
        Assert.Equal(Ok, _h.Run("XGROUP", "CREATE", "s", "g", "$", "MKSTREAM"));
        Assert.Equal(Status("stream"), _h.Run("TYPE", "s"));
        Assert.Equal(Int(0), _h.Run("XLEN", "s"));
        Assert.Equal(Err("BUSYGROUP Consumer Group name already exists"), _h.Run("XGROUP", "CREATE", "s", "g", "0"));
        Assert.Equal(Err("ERR value for ENTRIESREAD must be positive or -1"), _h.Run("XGROUP", "CREATE", "s", "g2", "0", "ENTRIESREAD", "-2"));
        Assert.Equal(Err("ERR unknown subcommand 'foo'. Try XGROUP HELP."), _h.Run("XGROUP", "foo", "s"));
        Assert.Equal(Err("ERR wrong number of arguments for 'xgroup|destroy' command"), _h.Run("XGROUP", "DESTROY", "s"));
        Assert.Equal(Err("NOGROUP No such consumer group 'nog' for key name 's'"), _h.Run("XGROUP", "SETID", "s", "nog", "0"));
        _h.Run("SET", "str", "x");
        Assert.Equal(WrongType, _h.Run("XGROUP", "CREATE", "str", "g", "$"));
    }

    [Fact]
    public void Xreadgroup_delivers_new_entries_once_and_keeps_them_pending_until_acked()
    {
        AddThree();
        _h.Run("XGROUP", "CREATE", "s", "g", "0");
        Assert.Equal(Arr(Arr(Bulk("s"), Arr(Entry("1-1", "a", "1"), Entry("2-1", "b", "2")))), _h.Run("XREADGROUP", "GROUP", "g", "alice", "COUNT", "2", "STREAMS", "s", ">"));
        Assert.Equal(Arr(Arr(Bulk("s"), Arr(Entry("3-1", "c", "3")))), _h.Run("XREADGROUP", "GROUP", "g", "bob", "STREAMS", "s", ">"));
        Assert.Equal(Nil, _h.Run("XREADGROUP", "GROUP", "g", "bob", "STREAMS", "s", ">"));
        Assert.Equal(Arr(Int(3), Bulk("1-1"), Bulk("3-1"), Arr(Arr("alice", "2"), Arr("bob", "1"))), _h.Run("XPENDING", "s", "g"));
        Assert.Equal(Int(1), _h.Run("XACK", "s", "g", "1-1", "1-1", "9-9"));
        Assert.Equal(Arr(Arr(Bulk("s"), Arr(Entry("2-1", "b", "2")))), _h.Run("XREADGROUP", "GROUP", "g", "alice", "STREAMS", "s", "0"));
        _h.Run("XDEL", "s", "2-1");
        Assert.Equal(Arr(Arr(Bulk("s"), Arr(Arr(Bulk("2-1"), Nil)))), _h.Run("XREADGROUP", "GROUP", "g", "alice", "STREAMS", "s", "0"));
        Assert.Equal(Arr(Arr(Bulk("s"), EmptyArray)), _h.Run("XREADGROUP", "GROUP", "g", "carol", "STREAMS", "s", "0"));
        Assert.Equal(Arr(Arr(Bulk("2-1"), Bulk("alice"), Int(0), Int(2))), _h.Run("XPENDING", "s", "g", "-", "+", "10", "alice"));
    }

    [Fact]
    public void Xreadgroup_errors_follow_redis()
    {
        _h.Run("XADD", "s", "1-1", "a", "1");
        Assert.Equal(Err("NOGROUP No such key 's' or consumer group 'g' in XREADGROUP with GROUP option"), _h.Run("XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", ">"));
        _h.Run("XGROUP", "CREATE", "s", "g", "0");
        Assert.Equal(Err("ERR Missing GROUP option for XREADGROUP"), _h.Run("XREADGROUP", "COUNT", "1", "STREAMS", "s", "t", ">", ">"));
        Assert.StartsWith("ERR The $ ID is meaningless", _h.Run("XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", "$").AsString());
        Assert.Equal(Err("ERR Invalid stream ID specified as stream command argument"), _h.Run("XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", "x"));
    }

    [Fact]
    public void Noack_moves_the_group_on_without_a_pel_entry()
    {
        AddThree();
        _h.Run("XGROUP", "CREATE", "s", "g", "0");
        _h.Run("XREADGROUP", "GROUP", "g", "c", "NOACK", "STREAMS", "s", ">");
        Assert.Equal(Arr(Int(0), Nil, Nil, Nil), _h.Run("XPENDING", "s", "g"));
        var info = _h.Run("XINFO", "GROUPS", "s").Items[0].Texts();
        Assert.Equal(["name", "g", "consumers", "1", "pending", "0", "last-delivered-id", "3-1", "entries-read", "3", "lag", "0"], info);
    }

    [Fact]
    public void Idle_times_and_claims_use_the_leader_s_command_time()
    {
        AddThree();
        _h.Run("XGROUP", "CREATE", "s", "g", "0");
        _h.Run("XREADGROUP", "GROUP", "g", "alice", "STREAMS", "s", ">");
        _h.AdvanceMs(5000);
        Assert.Equal(Arr(Arr(Bulk("1-1"), Bulk("alice"), Int(5000), Int(1))), _h.Run("XPENDING", "s", "g", "IDLE", "1000", "-", "+", "1"));
        Assert.Equal(EmptyArray, _h.Run("XCLAIM", "s", "g", "bob", "10000", "1-1"));
        Assert.Equal(Arr(Entry("1-1", "a", "1")), _h.Run("XCLAIM", "s", "g", "bob", "1000", "1-1"));
        Assert.Equal(Arr("2-1"), _h.Run("XCLAIM", "s", "g", "bob", "0", "2-1", "RETRYCOUNT", "7", "JUSTID", "IDLE", "300"));
        Assert.Equal(Arr(Arr(Bulk("1-1"), Bulk("bob"), Int(0), Int(2)), Arr(Bulk("2-1"), Bulk("bob"), Int(300), Int(7)), Arr(Bulk("3-1"), Bulk("alice"), Int(5000), Int(1))), _h.Run("XPENDING", "s", "g", "-", "+", "10"));
        Assert.Equal(Err("ERR Unrecognized XCLAIM option 'bogus'"), _h.Run("XCLAIM", "s", "g", "bob", "0", "1-1", "bogus"));
        Assert.Equal(Err("NOGROUP No such key 's' or consumer group 'nog'"), _h.Run("XCLAIM", "s", "nog", "bob", "0", "1-1"));
    }

    [Fact]
    public void Xautoclaim_claims_idle_entries_from_a_cursor_and_drops_deleted_ones()
    {
        AddThree();
        _h.Run("XGROUP", "CREATE", "s", "g", "0");
        _h.Run("XREADGROUP", "GROUP", "g", "alice", "STREAMS", "s", ">");
        _h.Run("XDEL", "s", "2-1");
        _h.AdvanceMs(100);
        Assert.Equal(Arr(Bulk("3-1"), Arr(Entry("1-1", "a", "1")), Arr("2-1")), _h.Run("XAUTOCLAIM", "s", "g", "bob", "50", "0", "COUNT", "2"));
        Assert.Equal(Arr(Bulk("0-0"), Arr("3-1"), EmptyArray), _h.Run("XAUTOCLAIM", "s", "g", "bob", "50", "3-1", "JUSTID"));
        Assert.Equal(Arr(Int(2), Bulk("1-1"), Bulk("3-1"), Arr(Arr("bob", "2"))), _h.Run("XPENDING", "s", "g"));
        Assert.Equal(Err("ERR COUNT must be > 0"), _h.Run("XAUTOCLAIM", "s", "g", "bob", "0", "0", "COUNT", "0"));
    }

    [Fact]
    public void Consumers_are_created_deleted_and_listed_with_their_pending_counts()
    {
        AddThree();
        _h.Run("XGROUP", "CREATE", "s", "g", "0");
        Assert.Equal(Int(1), _h.Run("XGROUP", "CREATECONSUMER", "s", "g", "zed"));
        Assert.Equal(Int(0), _h.Run("XGROUP", "CREATECONSUMER", "s", "g", "zed"));
        _h.Run("XREADGROUP", "GROUP", "g", "amy", "COUNT", "2", "STREAMS", "s", ">");
        _h.AdvanceMs(10);
        Assert.Equal(Arr(Arr(Bulk("name"), Bulk("amy"), Bulk("pending"), Int(2), Bulk("idle"), Int(10)), Arr(Bulk("name"), Bulk("zed"), Bulk("pending"), Int(0), Bulk("idle"), Int(10))), _h.Run("XINFO", "CONSUMERS", "s", "g"));
        Assert.Equal(Int(2), _h.Run("XGROUP", "DELCONSUMER", "s", "g", "amy"));
        Assert.Equal(Int(0), _h.Run("XGROUP", "DELCONSUMER", "s", "g", "nobody"));
        Assert.Equal(Arr(Int(0), Nil, Nil, Nil), _h.Run("XPENDING", "s", "g"));
        Assert.Equal(Int(1), _h.Run("XGROUP", "DESTROY", "s", "g"));
        Assert.Equal(Int(0), _h.Run("XGROUP", "DESTROY", "s", "g"));
        Assert.Equal(EmptyArray, _h.Run("XINFO", "GROUPS", "s"));
        Assert.Equal(Err("NOGROUP No such consumer group 'g' for key name 's'"), _h.Run("XINFO", "CONSUMERS", "s", "g"));
    }

    [Fact]
    public void Xinfo_groups_reports_entries_read_and_lag_as_redis_computes_them()
    {
        _h.Run("XGROUP", "CREATE", "s", "g", "$", "MKSTREAM");
        AddThree();
        Assert.Equal(["name", "g", "consumers", "0", "pending", "0", "last-delivered-id", "0-0", "entries-read", null, "lag", "3"], _h.Run("XINFO", "GROUPS", "s").Items[0].Texts());
        _h.Run("XREADGROUP", "GROUP", "g", "c", "COUNT", "1", "STREAMS", "s", ">");
        Assert.Equal(["name", "g", "consumers", "1", "pending", "1", "last-delivered-id", "1-1", "entries-read", "1", "lag", "2"], _h.Run("XINFO", "GROUPS", "s").Items[0].Texts());
        _h.Run("XDEL", "s", "2-1");
        Assert.Equal(Nil, _h.Run("XINFO", "GROUPS", "s").Items[0].Items[11]);
        Assert.Equal(Ok, _h.Run("XGROUP", "SETID", "s", "g", "$", "ENTRIESREAD", "3"));
        Assert.Equal(Int(0), _h.Run("XINFO", "GROUPS", "s").Items[0].Items[11]);
    }

    [Fact]
    public void Xinfo_stream_shows_the_stream_and_its_groups()
    {
        AddThree();
        _h.Run("XGROUP", "CREATE", "s", "g", "0");
        _h.Run("XREADGROUP", "GROUP", "g", "c", "COUNT", "1", "STREAMS", "s", ">");
        var info = _h.Run("XINFO", "STREAM", "s");
        Assert.Equal(Int(3), info.Items[1]);
        Assert.Equal(Bulk("3-1"), info.Items[7]);
        Assert.Equal(Bulk("1-1"), info.Items[13]);
        Assert.Equal(Int(1), info.Items[15]);
        Assert.Equal(Entry("1-1", "a", "1"), info.Items[17]);
        Assert.Equal(Entry("3-1", "c", "3"), info.Items[19]);
        var full = _h.Run("XINFO", "STREAM", "s", "FULL", "COUNT", "2");
        Assert.Equal(Arr(Entry("1-1", "a", "1"), Entry("2-1", "b", "2")), full.Items[15]);
        var group = full.Items[17].Items[0];
        Assert.Equal(Arr(Arr(Bulk("1-1"), Bulk("c"), Int(CommandHarness.StartMs), Int(1))), group.Items[11]);
        Assert.Equal(Err("ERR no such key"), _h.Run("XINFO", "STREAM", "nokey"));
    }

    [Fact]
    public void Xsetid_moves_the_last_id_within_redis_s_limits()
    {
        AddThree();
        Assert.Equal(Err("ERR The ID specified in XSETID is smaller than the target stream top item"), _h.Run("XSETID", "s", "2-0"));
        Assert.Equal(Err("ERR The entries_added specified in XSETID is smaller than the target stream length"), _h.Run("XSETID", "s", "9-0", "ENTRIESADDED", "1"));
        Assert.Equal(Err("ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id"), _h.Run("XSETID", "s", "9-0", "MAXDELETEDID", "10-0"));
        Assert.Equal(Ok, _h.Run("XSETID", "s", "9-0", "ENTRIESADDED", "10", "MAXDELETEDID", "5-0"));
        Assert.Equal(Bulk("9-1"), _h.Run("XADD", "s", "9-*", "d", "4"));
        var info = _h.Run("XINFO", "STREAM", "s");
        Assert.Equal(Bulk("5-0"), info.Items[9]);
        Assert.Equal(Int(11), info.Items[11]);
        Assert.Equal(Err("ERR no such key"), _h.Run("XSETID", "nokey", "1-1"));
    }

    [Fact]
    public void Deleting_the_stream_takes_its_groups_with_it()
    {
        AddThree();
        _h.Run("XGROUP", "CREATE", "s", "g", "0");
        _h.Run("XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", ">");
        _h.Run("DEL", "s");
        _h.Run("XADD", "s", "1-1", "a", "1");
        Assert.Equal(EmptyArray, _h.Run("XINFO", "GROUPS", "s"));
    }
}
