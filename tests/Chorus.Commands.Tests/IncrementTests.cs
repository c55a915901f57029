using Chorus.Commands.Logical;
using static Chorus.Commands.Tests.Support.Replies;

namespace Chorus.Commands.Tests;

/// Redis docs and t_string.c incrDecrCommand: integer arithmetic on strings, string2ll parsing, overflow.
public sealed class IncrementTests : IDisposable
{
    private const string NotInteger = "ERR value is not an integer or out of range";
    private const string Overflow = "ERR increment or decrement would overflow";

    private readonly CommandHarness _h = new();

    public void Dispose() => _h.Dispose();

    [Fact]
    public void Incr_family_counts_from_zero_for_a_missing_key()
    {
        Assert.Equal(Int(1), _h.Run("INCR", "a"));
        Assert.Equal(Int(-1), _h.Run("DECR", "b"));
        Assert.Equal(Int(10), _h.Run("INCRBY", "c", "10"));
        Assert.Equal(Int(-10), _h.Run("DECRBY", "d", "10"));
        Assert.Equal(Bulk("1"), _h.Run("GET", "a"));
    }

    [Fact]
    public void Incr_family_applies_in_sequence()
    {
        _h.Run("SET", "n", "10");
        Assert.Equal(Int(11), _h.Run("INCR", "n"));
        Assert.Equal(Int(6), _h.Run("DECRBY", "n", "5"));
        Assert.Equal(Int(-4), _h.Run("INCRBY", "n", "-10"));
        Assert.Equal(Int(-5), _h.Run("DECR", "n"));
        Assert.Equal(Bulk("-5"), _h.Run("GET", "n"));
    }

    [Fact]
    public void The_new_text_is_logged_as_a_put_not_the_increment()
    {
        _h.Run("SET", "n", "41");
        _h.Run("INCR", "n");
        var put = Assert.IsType<PutChange>(Assert.Single(_h.LastChanges));
        Assert.Equal("42", StoredText(put.After));
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("1.5")]
    [InlineData(" 1")]
    [InlineData("1 ")]
    [InlineData("+1")]
    [InlineData("01")]
    [InlineData("-0")]
    [InlineData("")]
    [InlineData("9223372036854775808")]
    public void Stored_values_that_are_not_strict_integers_are_errors(string stored)
    {
        _h.Run("SET", "n", stored);
        Assert.Equal(Err(NotInteger), _h.Run("INCR", "n"));
        Assert.Null(_h.LastPayload);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("1e3")]
    [InlineData("+5")]
    [InlineData("-9223372036854775809")]
    public void Increments_that_are_not_strict_integers_are_errors(string increment)
    {
        Assert.Equal(Err(NotInteger), _h.Run("INCRBY", "n", increment));
        Assert.Equal(Err(NotInteger), _h.Run("DECRBY", "n", increment));
        Assert.Equal(Int(0), _h.Run("EXISTS", "n"));
    }

    [Fact]
    public void Overflow_is_detected_at_both_ends_of_the_range()
    {
        _h.Run("SET", "max", "9223372036854775807");
        Assert.Equal(Err(Overflow), _h.Run("INCR", "max"));
        Assert.Equal(Int(long.MaxValue - 1), _h.Run("DECR", "max"));
        _h.Run("SET", "min", "-9223372036854775808");
        Assert.Equal(Err(Overflow), _h.Run("DECR", "min"));
        Assert.Equal(Err(Overflow), _h.Run("INCRBY", "min", "-1"));
        Assert.Equal(Int(-1), _h.Run("INCRBY", "min", "9223372036854775807"));
    }

    [Fact]
    public void Decrby_of_the_smallest_integer_cannot_be_negated()
    {
        Assert.Equal(Err("ERR decrement would overflow"), _h.Run("DECRBY", "n", "-9223372036854775808"));
        Assert.Equal(Int(long.MinValue), _h.Run("INCRBY", "n", "-9223372036854775808"));
    }

    [Fact]
    public void Incr_keeps_the_ttl_and_rejects_other_types()
    {
        _h.Run("SET", "n", "1", "EX", "100");
        _h.Run("INCR", "n");
        Assert.Equal(Int(100), _h.Run("TTL", "n"));
        _h.Run("SADD", "s", "m");
        Assert.Equal(WrongType, _h.Run("INCR", "s"));
    }

    [Fact]
    public void Incrby_zero_changes_nothing()
    {
        _h.Run("SET", "n", "5");
        Assert.Equal(Int(5), _h.Run("INCRBY", "n", "0"));
        Assert.Null(_h.LastPayload);
    }

    [Fact]
    public void Increment_errors_come_before_type_errors_as_in_redis()
    {
        _h.Run("SADD", "s", "m");
        Assert.Equal(Err(NotInteger), _h.Run("INCRBY", "s", "x"));
    }
}
