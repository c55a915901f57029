using Chorus.Commands.Logical;
using Chorus.Resp;
using static Chorus.Commands.Tests.Support.Replies;

namespace Chorus.Commands.Tests;

/// Redis docs and t_set.c: SADD SREM SMEMBERS SISMEMBER SMISMEMBER SCARD SINTER SUNION SDIFF.
public sealed class SetCommandTests : IDisposable
{
    private readonly CommandHarness _h = new();

    public void Dispose() => _h.Dispose();

    [Fact]
    public void Sadd_replies_with_the_number_of_new_members()
    {
        Assert.Equal(Int(2), _h.Run("SADD", "s", "a", "b", "a"));
        Assert.Equal(Int(1), _h.Run("SADD", "s", "b", "c"));
        Assert.Equal(["a", "b", "c"], _h.Run("SMEMBERS", "s").Sorted());
        Assert.Equal(Int(3), _h.Run("SCARD", "s"));
    }

    [Fact]
    public void Sadd_on_an_existing_set_logs_only_members_it_did_not_have_once_each()
    {
        _h.Run("SADD", "s", "a");
        _h.Run("SADD", "s", "a", "b", "b", "c");
        var change = Assert.IsType<SetChange>(Assert.Single(_h.LastChanges));
        Assert.All(change.Members, m => Assert.True(m.Added));
        Assert.Equal(["b", "c"], change.Members.Select(m => System.Text.Encoding.UTF8.GetString(m.Member)));
        Assert.Equal(Int(0), _h.Run("SADD", "s", "a", "c"));
        Assert.Null(_h.LastPayload);
    }

    [Fact]
    public void Srem_logs_only_members_that_were_there()
    {
        _h.Run("SADD", "s", "a", "b", "c");
        Assert.Equal(Int(1), _h.Run("SREM", "s", "a", "x", "a"));
        var change = Assert.IsType<SetChange>(Assert.Single(_h.LastChanges));
        var removed = Assert.Single(change.Members);
        Assert.False(removed.Added);
        Assert.Equal("a"u8.ToArray(), removed.Member);
        Assert.Equal(Int(0), _h.Run("SREM", "s", "x"));
        Assert.Null(_h.LastPayload);
        Assert.Equal(Int(0), _h.Run("SREM", "missing", "x"));
    }

    [Fact]
    public void Removing_the_last_member_deletes_the_key()
    {
        _h.Run("SADD", "s", "a", "b");
        Assert.Equal(Int(2), _h.Run("SREM", "s", "a", "b"));
        Assert.Equal(2, Assert.IsType<SetChange>(Assert.Single(_h.LastChanges)).Members.Count);
        Assert.Equal(Int(0), _h.Run("EXISTS", "s"));
        Assert.Equal(Status("none"), _h.Run("TYPE", "s"));
    }

    [Fact]
    public void Smembers_is_an_array_in_resp2_and_a_set_in_resp3()
    {
        _h.Run("SADD", "s", "a");
        Assert.Equal(Arr("a"), _h.Run("SMEMBERS", "s"));
        Assert.Equal(RespValue.Set(Bulk("a")), _h.Run3("SMEMBERS", "s"));
        Assert.Equal(EmptyArray, _h.Run("SMEMBERS", "missing"));
        Assert.Equal(RespValue.Set(), _h.Run3("SMEMBERS", "missing"));
    }

    [Fact]
    public void Membership_tests_treat_a_missing_key_as_an_empty_set()
    {
        _h.Run("SADD", "s", "a", "b");
        Assert.Equal(Int(1), _h.Run("SISMEMBER", "s", "a"));
        Assert.Equal(Int(0), _h.Run("SISMEMBER", "s", "x"));
        Assert.Equal(Int(0), _h.Run("SISMEMBER", "missing", "a"));
        Assert.Equal(Arr(Int(1), Int(0), Int(1)), _h.Run("SMISMEMBER", "s", "a", "x", "b"));
        Assert.Equal(Arr(Int(0), Int(0)), _h.Run3("SMISMEMBER", "missing", "a", "b"));
        Assert.Equal(Int(0), _h.Run("SCARD", "missing"));
    }

    [Fact]
    public void Set_commands_on_other_types_are_wrongtype()
    {
        _h.Run("SET", "k", "v");
        foreach (var command in new[]
        {
            new[] { "SADD", "k", "m" }, ["SREM", "k", "m"], ["SMEMBERS", "k"], ["SISMEMBER", "k", "m"],
            ["SMISMEMBER", "k", "m"], ["SCARD", "k"], ["SPOP", "k"], ["SPOP", "k", "2"], ["SRANDMEMBER", "k"],
            ["SRANDMEMBER", "k", "2"], ["SINTER", "k"], ["SUNION", "missing", "k"], ["SDIFF", "missing", "k"],
        })
        {
            Assert.Equal(WrongType, _h.Run(command));
        }
    }

    [Fact]
    public void Sinter_sunion_and_sdiff_combine_sets_and_treat_missing_keys_as_empty()
    {
        _h.Run("SADD", "a", "1", "2", "3");
        _h.Run("SADD", "b", "2", "3", "4");
        Assert.Equal(["2", "3"], _h.Run("SINTER", "a", "b").Sorted());
        Assert.Equal(["1", "2", "3", "4"], _h.Run("SUNION", "a", "b", "missing").Sorted());
        Assert.Equal(["1"], _h.Run("SDIFF", "a", "b").Sorted());
        Assert.Equal(EmptyArray, _h.Run("SINTER", "a", "missing"));
        Assert.Equal(EmptyArray, _h.Run("SDIFF", "missing", "a"));
        Assert.Equal(RespValueKind.Set, _h.Run3("SUNION", "a").Kind);
    }
}
