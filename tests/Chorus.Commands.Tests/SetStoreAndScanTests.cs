using static Chorus.Commands.Tests.Support.Replies;

namespace Chorus.Commands.Tests;

/// Redis docs and t_set.c / db.c: SINTERSTORE SUNIONSTORE SDIFFSTORE SINTERCARD SMOVE, and HSCAN / SSCAN.
public sealed class SetStoreAndScanTests : IDisposable
{
    private readonly CommandHarness _h = new();

    public void Dispose() => _h.Dispose();

    [Fact]
    public void Store_commands_replace_the_destination_and_reply_with_its_size()
    {
        _h.Run("SADD", "a", "1", "2", "3");
        _h.Run("SADD", "b", "2", "3", "4");
        _h.Run("SET", "dest", "a string", "EX", "100");
        Assert.Equal(Int(2), _h.Run("SINTERSTORE", "dest", "a", "b"));
        Assert.Equal(["2", "3"], _h.Run("SMEMBERS", "dest").Sorted());
        Assert.Equal(Int(-1), _h.Run("TTL", "dest"));
        Assert.Equal(Int(4), _h.Run("SUNIONSTORE", "dest", "a", "b"));
        Assert.Equal(Int(1), _h.Run("SDIFFSTORE", "dest", "a", "b"));
        Assert.Equal(["1"], _h.Run("SMEMBERS", "dest").Sorted());
    }

    [Fact]
    public void An_empty_result_deletes_the_destination()
    {
        _h.Run("SADD", "a", "1");
        _h.Run("SADD", "dest", "x");
        Assert.Equal(Int(0), _h.Run("SINTERSTORE", "dest", "a", "missing"));
        Assert.Equal(Int(0), _h.Run("EXISTS", "dest"));
    }

    [Fact]
    public void A_store_may_name_its_destination_as_a_source()
    {
        _h.Run("SADD", "a", "1", "2", "3");
        _h.Run("SADD", "b", "3");
        Assert.Equal(Int(2), _h.Run("SDIFFSTORE", "a", "a", "b"));
        Assert.Equal(["1", "2"], _h.Run("SMEMBERS", "a").Sorted());
    }

    [Fact]
    public void Set_algebra_checks_every_key_type_first()
    {
        _h.Run("SET", "s", "v");
        Assert.Equal(WrongType, _h.Run("SINTER", "missing", "s"));
        Assert.Equal(WrongType, _h.Run("SUNIONSTORE", "dest", "missing", "s"));
        Assert.Equal(Int(0), _h.Run("EXISTS", "dest"));
        Assert.Equal(WrongType, _h.Run("SINTERCARD", "2", "missing", "s"));
    }

    [Fact]
    public void Sintercard_counts_the_intersection_up_to_a_limit()
    {
        _h.Run("SADD", "a", "1", "2", "3", "4");
        _h.Run("SADD", "b", "2", "3", "4", "5");
        Assert.Equal(Int(3), _h.Run("SINTERCARD", "2", "a", "b"));
        Assert.Equal(Int(2), _h.Run("SINTERCARD", "2", "a", "b", "LIMIT", "2"));
        Assert.Equal(Int(3), _h.Run("SINTERCARD", "2", "a", "b", "LIMIT", "0"));
        Assert.Equal(Int(0), _h.Run("SINTERCARD", "2", "a", "missing"));
        Assert.Equal(Err("ERR numkeys should be greater than 0"), _h.Run("SINTERCARD", "0", "a"));
        Assert.Equal(Err("ERR numkeys should be greater than 0"), _h.Run("SINTERCARD", "x", "a"));
        Assert.Equal(Err("ERR Number of keys can't be greater than number of args"), _h.Run("SINTERCARD", "3", "a", "b"));
        Assert.Equal(Err("ERR LIMIT can't be negative"), _h.Run("SINTERCARD", "1", "a", "LIMIT", "-1"));
        Assert.Equal(Err("ERR syntax error"), _h.Run("SINTERCARD", "1", "a", "foo"));
    }

    [Fact]
    public void Smove_moves_a_member_between_sets()
    {
        _h.Run("SADD", "src", "a", "b");
        Assert.Equal(Int(1), _h.Run("SMOVE", "src", "dst", "a"));
        Assert.Equal(["b"], _h.Run("SMEMBERS", "src").Sorted());
        Assert.Equal(["a"], _h.Run("SMEMBERS", "dst").Sorted());
        Assert.Equal(Int(0), _h.Run("SMOVE", "src", "dst", "missing"));
        Assert.Equal(Int(1), _h.Run("SMOVE", "src", "dst", "b"));
        Assert.Equal(Int(0), _h.Run("EXISTS", "src"));
        Assert.Equal(Int(1), _h.Run("SMOVE", "dst", "dst", "a"));
        Assert.Null(_h.LastPayload);
        _h.Run("SET", "str", "v");
        Assert.Equal(WrongType, _h.Run("SMOVE", "dst", "str", "a"));
        Assert.Equal(WrongType, _h.Run("SMOVE", "str", "dst", "a"));
    }

    [Fact]
    public void Sscan_visits_every_member_once_across_calls()
    {
        var members = Enumerable.Range(0, 500).Select(i => $"m{i}").ToArray();
        _h.Run(["SADD", "s", .. members]);
        var seen = new List<string>();
        var cursor = "0";
        var calls = 0;
        do
        {
            var reply = _h.Run("SSCAN", "s", cursor, "COUNT", "7");
            cursor = reply.Items[0].AsString()!;
            seen.AddRange(reply.Items[1].Texts()!);
            calls++;
        }
        while (cursor != "0");
        Assert.Equal(members.Order(StringComparer.Ordinal), seen.Order(StringComparer.Ordinal));
        Assert.True(calls > 50, $"{calls} calls");
    }

    [Fact]
    public void Hscan_returns_fields_and_values_and_filters_with_match()
    {
        _h.Run("HSET", "h", "apple", "1", "avocado", "2", "banana", "3");
        var reply = _h.Run("HSCAN", "h", "0", "MATCH", "a*", "COUNT", "100");
        Assert.Equal("0", reply.Items[0].AsString());
        var pairs = reply.Items[1].Texts().Chunk(2).ToDictionary(p => p[0]!, p => p[1]!);
        Assert.Equal(new Dictionary<string, string> { ["apple"] = "1", ["avocado"] = "2" }, pairs);
    }

    [Fact]
    public void Element_scans_check_their_arguments_like_redis()
    {
        _h.Run("SADD", "s", "a");
        Assert.Equal(Err("ERR invalid cursor"), _h.Run("SSCAN", "s", "abc"));
        Assert.Equal(Err("ERR syntax error"), _h.Run("SSCAN", "s", "0", "COUNT", "0"));
        Assert.Equal(Err("ERR syntax error"), _h.Run("SSCAN", "s", "0", "TYPE", "set"));
        Assert.Equal(Arr(Bulk("0"), EmptyArray), _h.Run("SSCAN", "missing", "0"));
        _h.Run("SET", "str", "v");
        Assert.Equal(WrongType, _h.Run("HSCAN", "str", "0"));
    }
}
