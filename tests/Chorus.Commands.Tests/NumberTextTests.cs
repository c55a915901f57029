using System.Text;
using Chorus.Commands.Data.Numbers;

namespace Chorus.Commands.Tests;

/// Redis util.c string2ll / string2ull / string2ld and ld2string(LD_STR_HUMAN).
public sealed class NumberTextTests
{
    [Theory]
    [InlineData("0", 0L)]
    [InlineData("-1", -1L)]
    [InlineData("9223372036854775807", long.MaxValue)]
    [InlineData("-9223372036854775808", long.MinValue)]
    public void Integers_parse_in_range(string text, long expected)
    {
        Assert.True(IntegerText.TryParse(Encoding.ASCII.GetBytes(text), out var value));
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("-")]
    [InlineData("+1")]
    [InlineData("01")]
    [InlineData("-0")]
    [InlineData(" 1")]
    [InlineData("1 ")]
    [InlineData("1.0")]
    [InlineData("9223372036854775808")]
    [InlineData("-9223372036854775809")]
    [InlineData("99999999999999999999")]
    [InlineData("000000000000000000001")]
    public void Integers_follow_string2ll_strictly(string text)
    {
        Assert.False(IntegerText.TryParse(Encoding.ASCII.GetBytes(text), out _));
    }

    [Theory]
    [InlineData("0", 0UL)]
    [InlineData("42", 42UL)]
    [InlineData("007", 7UL)]
    [InlineData("+7", 7UL)]
    [InlineData("-01", ulong.MaxValue)]
    [InlineData("-1", ulong.MaxValue)]
    [InlineData("-18446744073709551615", 1UL)]
    [InlineData("18446744073709551615", ulong.MaxValue)]
    [InlineData("", 0UL)]           // strtoul converts nothing and stops at the end: cursor 0
    public void Cursors_follow_redis_7_0_strtoul(string text, ulong expected)
    {
        Assert.True(IntegerText.TryParseCursor(Encoding.ASCII.GetBytes(text), out var value));
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData(" 7")]
    [InlineData("-")]
    [InlineData("+")]
    [InlineData("7 ")]
    [InlineData("18446744073709551616")]
    [InlineData("x")]
    public void Bad_cursors_are_rejected(string text)
    {
        Assert.False(IntegerText.TryParseCursor(Encoding.ASCII.GetBytes(text), out _));
    }

    [Theory]
    [InlineData("1", 1.0)]
    [InlineData("-1.5", -1.5)]
    [InlineData("+.5", 0.5)]
    [InlineData("5.", 5.0)]
    [InlineData("1e3", 1000.0)]
    [InlineData("1E-3", 0.001)]
    [InlineData("0x10", 16.0)]
    [InlineData("0X1.8P1", 3.0)]
    [InlineData("-0x.8", -0.5)]
    [InlineData("0x1p-2", 0.25)]
    [InlineData("inf", double.PositiveInfinity)]
    [InlineData("-Infinity", double.NegativeInfinity)]
    [InlineData("INF", double.PositiveInfinity)]
    [InlineData("4.9e-324", 4.9e-324)]
    [InlineData("1e400", double.MaxValue)]
    [InlineData("-1e400", -double.MaxValue)]
    [InlineData("1e-400", double.Epsilon)]
    public void Floats_accept_what_strtold_accepts(string text, double expected)
    {
        Assert.True(FloatText.TryParse(Encoding.ASCII.GetBytes(text), out var value));
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" 1")]
    [InlineData("1 ")]
    [InlineData(".")]
    [InlineData("e1")]
    [InlineData("1e")]
    [InlineData("1e+")]
    [InlineData("--1")]
    [InlineData("nan")]
    [InlineData("infinit")]
    [InlineData("0x")]
    [InlineData("0x1p")]
    [InlineData("0xg")]
    [InlineData("1e5000")]
    [InlineData("1e-5000")]
    [InlineData("1,5")]
    public void Floats_reject_what_string2ld_rejects(string text)
    {
        Assert.False(FloatText.TryParse(Encoding.ASCII.GetBytes(text), out _));
    }
}
