using Chorus.Commands.Logical;
using static Chorus.Commands.Tests.Support.Replies;

namespace Chorus.Commands.Tests;

/// Redis docs and t_string.c: SETEX, PSETEX (what StackExchange.Redis sends for a TTL) and GETEX.
public sealed class SetExGetExTests : IDisposable
{
    private readonly CommandHarness _h = new();

    public void Dispose() => _h.Dispose();

    [Fact]
    public void Setex_and_psetex_set_a_value_with_a_relative_expiry()
    {
        Assert.Equal(Ok, _h.Run("SETEX", "a", "10", "v"));
        Assert.Equal(Ok, _h.Run("PSETEX", "b", "1500", "w"));
        Assert.Equal(Arr("v", "w"), _h.Run("MGET", "a", "b"));
        Assert.Equal(Int(10_000), _h.Run("PTTL", "a"));
        Assert.Equal(Int(1500), _h.Run("PTTL", "b"));
    }

    [Fact]
    public void Setex_rejects_bad_times_naming_the_command()
    {
        Assert.Equal(Err("ERR invalid expire time in 'setex' command"), _h.Run("SETEX", "a", "0", "v"));
        Assert.Equal(Err("ERR invalid expire time in 'psetex' command"), _h.Run("PSETEX", "a", "-1", "v"));
        Assert.Equal(Err("ERR value is not an integer or out of range"), _h.Run("SETEX", "a", "x", "v"));
        Assert.Equal(Int(0), _h.Run("EXISTS", "a"));
    }

    [Fact]
    public void Getex_without_options_is_get()
    {
        _h.Run("SET", "k", "v", "EX", "100");
        Assert.Equal(Bulk("v"), _h.Run("GETEX", "k"));
        Assert.Null(_h.LastPayload);
        Assert.Equal(Int(100), _h.Run("TTL", "k"));
        Assert.Equal(Nil, _h.Run("GETEX", "missing", "EX", "0"));
    }

    [Fact]
    public void Getex_sets_or_removes_the_expiry()
    {
        _h.Run("SET", "k", "v");
        Assert.Equal(Bulk("v"), _h.Run("GETEX", "k", "PX", "5000"));
        Assert.IsType<ExpireChange>(Assert.Single(_h.LastChanges));
        Assert.Equal(Int(5000), _h.Run("PTTL", "k"));
        Assert.Equal(Bulk("v"), _h.Run("GETEX", "k", "PERSIST"));
        Assert.Equal(Int(-1), _h.Run("TTL", "k"));
        Assert.Equal(Bulk("v"), _h.Run("GETEX", "k", "PERSIST"));
        Assert.Null(_h.LastPayload);
    }

    [Fact]
    public void Getex_with_an_absolute_time_already_past_deletes_the_key_after_replying()
    {
        _h.Run("SET", "k", "v");
        Assert.Equal(Bulk("v"), _h.Run("GETEX", "k", "PXAT", "1000"));
        Assert.IsType<DeleteChange>(Assert.Single(_h.LastChanges));
        Assert.Equal(Int(0), _h.Run("EXISTS", "k"));
    }

    [Theory]
    [InlineData("PERSIST", "EX", "10")]
    [InlineData("EX", "10", "PERSIST")]
    [InlineData("EX", "10", "PX", "10")]
    [InlineData("KEEPTTL")]
    [InlineData("NX")]
    [InlineData("EX")]
    public void Getex_option_conflicts_are_syntax_errors(params string[] options)
    {
        _h.Run("SET", "k", "v");
        Assert.Equal(Err("ERR syntax error"), _h.Run(["GETEX", "k", .. options]));
    }

    [Fact]
    public void Getex_errors_on_bad_times_and_other_types()
    {
        _h.Run("SET", "k", "v");
        Assert.Equal(Err("ERR invalid expire time in 'getex' command"), _h.Run("GETEX", "k", "EX", "0"));
        _h.Run("SADD", "s", "m");
        Assert.Equal(WrongType, _h.Run("GETEX", "s", "EX", "10"));
    }

    [Fact]
    public void Touch_counts_existing_keys_like_exists()
    {
        _h.Run("SET", "k", "v");
        Assert.Equal(Int(2), _h.Run("TOUCH", "k", "missing", "k"));
    }
}
