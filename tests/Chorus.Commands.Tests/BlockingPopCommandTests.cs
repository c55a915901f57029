using Chorus.Commands.Data.Blocking;
using Chorus.Resp;
using static Chorus.Commands.Tests.Support.Replies;

namespace Chorus.Commands.Tests;

/// <summary>
/// Redis 7.0 docs and t_list.c / t_zset.c: BLPOP BRPOP BLMOVE BRPOPLPUSH BLMPOP BZPOPMIN BZPOPMAX
/// BZMPOP when there is something to pop (the non-blocking command's work and reply), their
/// argument errors (the timeout is parsed first), and — where waiting is not allowed, as inside
/// MULTI — the reply a timeout gives. Waiting itself is the node shell's (Chorus.Node.Tests).
/// The harness also checks every pop replays from its log entry, statement format included.
/// </summary>
public sealed class BlockingPopCommandTests : IDisposable
{
    private readonly CommandHarness _h = new();

    public void Dispose() => _h.Dispose();

    [Fact]
    public void Blpop_and_brpop_pop_from_the_first_non_empty_list_and_name_it()
    {
        _h.Run("RPUSH", "b", "1", "2", "3");
        Assert.Equal(Arr("b", "1"), _h.Run("BLPOP", "a", "b", "c", "0"));
        Assert.Equal(Arr("b", "3"), _h.Run("BRPOP", "a", "b", "1.5"));
        Assert.Equal(Arr("b", "2"), _h.Run("BLPOP", "b", "0"));
        Assert.Equal(Int(0), _h.Run("EXISTS", "b"));
        Assert.Equal(["LPOP", "b"], [.. _h.LastStatement!.Arguments.Select(a => System.Text.Encoding.ASCII.GetString(a))]);
    }

    [Fact]
    public void With_nothing_to_pop_and_no_waiting_allowed_the_reply_is_a_timeouts()
    {
        Assert.True(_h.Run("BLPOP", "a", "0").IsNull);
        Assert.True(_h.Run("BZPOPMIN", "z", "0").IsNull);
        Assert.True(_h.Run("BLMPOP", "0", "2", "a", "b", "LEFT").IsNull);
        Assert.True(_h.Run("BZMPOP", "0", "1", "z", "MAX", "COUNT", "3").IsNull);
        Assert.Equal("*-1\r\n", Raw("BLPOP", "a", "0"));
        Assert.Equal("$-1\r\n", Raw("BLMOVE", "a", "b", "LEFT", "RIGHT", "0"));
        Assert.Equal("$-1\r\n", Raw("BRPOPLPUSH", "a", "b", "0"));
        Assert.Null(_h.LastPayload);
    }

    [Fact]
    public void The_timeout_is_checked_before_the_keys()
    {
        _h.Run("SET", "s", "x");
        Assert.Equal(Err(BlockingTimeout.NotAFloat), _h.Run("BLPOP", "s", "abc"));
        Assert.Equal(Err(BlockingTimeout.Negative), _h.Run("BRPOP", "s", "-1"));
        Assert.Equal(Err(BlockingTimeout.Negative), _h.Run("BLPOP", "s", "inf"));
        Assert.Equal(Err(BlockingTimeout.Negative), _h.Run("BZPOPMAX", "s", "1e30"));
        Assert.Equal(Err(BlockingTimeout.NotAFloat), _h.Run("BLMPOP", "x", "1", "s", "LEFT"));
        Assert.Equal(Err(BlockingTimeout.NotAFloat), _h.Run("BLMOVE", "s", "d", "LEFT", "LEFT", "x"));
        Assert.Equal(Err("ERR syntax error"), _h.Run("BLMOVE", "s", "d", "UP", "LEFT", "x"));
        Assert.Equal(WrongType, _h.Run("BLPOP", "missing", "s", "0"));
        Assert.Equal(WrongType, _h.Run("BZPOPMIN", "s", "0"));
        Assert.Equal(WrongType, _h.Run("BLMOVE", "s", "d", "LEFT", "LEFT", "0"));
        Assert.Equal(Err("ERR numkeys should be greater than 0"), _h.Run("BLMPOP", "0", "0", "k", "LEFT"));
        Assert.Equal(Err("ERR count should be greater than 0"), _h.Run("BZMPOP", "inf", "1", "k", "MAX", "COUNT", "-8")); // the timeout is read last
        Assert.Equal(Err("ERR syntax error"), _h.Run("BZMPOP", "0", "1", "k", "SIDEWAYS"));
    }

    [Fact]
    public void A_fractional_timeout_rounds_up_to_whole_milliseconds()
    {
        var command = new Chorus.Resp.RequestBatch();
        command.Add(["BLPOP", "k", "0.0001"]);
        var output = new System.Buffers.ArrayBufferWriter<byte>();
        Assert.True(BlockingTimeout.TryParse(command[0], 2, CommandHarness.StartMs, new RespWriter(output, RespProtocol.Resp2), out var ms));
        Assert.Equal(1, ms);
    }

    [Fact]
    public void Blmove_and_brpoplpush_move_one_element_like_lmove()
    {
        _h.Run("RPUSH", "src", "a", "b");
        Assert.Equal(Bulk("a"), _h.Run("BLMOVE", "src", "dst", "LEFT", "RIGHT", "0"));
        Assert.Equal(Bulk("b"), _h.Run("BRPOPLPUSH", "src", "dst", "0"));
        Assert.Equal(Arr("b", "a"), _h.Run("LRANGE", "dst", "0", "-1"));
        Assert.Equal(["RPOPLPUSH", "src", "dst"], [.. _h.LastStatement!.Arguments.Select(a => System.Text.Encoding.ASCII.GetString(a))]);
    }

    [Fact]
    public void Blmpop_and_bzmpop_reply_like_lmpop_and_zmpop()
    {
        _h.Run("RPUSH", "l", "a", "b", "c");
        Assert.Equal(Arr(Bulk("l"), Arr("c", "b")), _h.Run("BLMPOP", "0", "2", "none", "l", "RIGHT", "COUNT", "2"));
        _h.Run("ZADD", "z", "1", "one", "2", "two");
        Assert.Equal(Arr(Bulk("z"), Arr(Arr("two", "2"))), _h.Run("BZMPOP", "0", "1", "z", "MAX"));
        Assert.Equal(["ZMPOP", "1", "z", "MAX"], [.. _h.LastStatement!.Arguments.Select(a => System.Text.Encoding.ASCII.GetString(a))]);
    }

    [Fact]
    public void Bzpopmin_and_bzpopmax_reply_with_key_member_and_score()
    {
        _h.Run("ZADD", "z", "1.5", "a", "2", "b", "3", "c");
        Assert.Equal(Arr("z", "a", "1.5"), _h.Run("BZPOPMIN", "none", "z", "0"));
        Assert.Equal(Arr("z", "c", "3"), _h.Run("BZPOPMAX", "z", "0"));
        Assert.Equal(["ZPOPMAX", "z"], [.. _h.LastStatement!.Arguments.Select(a => System.Text.Encoding.ASCII.GetString(a))]);
    }

    private string Raw(params string[] command)
    {
        _h.Run(command);
        return System.Text.Encoding.ASCII.GetString(_h.LastReplyBytes);
    }
}
