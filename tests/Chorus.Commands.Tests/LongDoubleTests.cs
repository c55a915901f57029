using System.Text;
using Chorus.Commands.Data.Numbers;
using static Chorus.Commands.Tests.Replies;

namespace Chorus.Commands.Tests;

/// <summary>
/// INCRBYFLOAT computes in C's long double (the x87 80-bit format) and prints with "%.17Lf":
/// every expected text here is what redis-server 7.0.15 on x86-64 answered to the same commands
/// (found by the differential tests, tests/Chorus.Compat).
/// </summary>
public sealed class LongDoubleTests : IDisposable
{
    private const string NotFloat = "ERR value is not a valid float";

    private const string OneE400 =
        "10000000000000000000281880683947586514586453433629052038625910693539685534008629862039363994848324160522094053927317616" +
        "20029582277725925573402382897659334066101779744743454617391786244811667497172377894382439159333804747067502624668440135" +
        "92375136038303437354855052449559649790218250382800910684149474024568986530409510175126580926158275889201834725116433165" +
        "91362664138176309734806343732497430221946880";

    private readonly CommandHarness _h = new();

    public void Dispose() => _h.Dispose();

    [Theory]
    [InlineData("-16", "935.48", "919.47999999999999998")]   // long double's rounding shows in the 17th decimal
    [InlineData("0.1", "0.2", "0.3")]
    [InlineData("10.5", "0.1", "10.6")]
    [InlineData("3.0", "-3", "0")]
    [InlineData("-0.0", "-0", "0")]
    [InlineData("1e10", "0.00000000000000001", "10000000000")]
    [InlineData("123456789012345678901234567890", "0.5", "123456789012345678899921813504")]
    [InlineData("0", "0.000003814697265625", "0.00000381469726562")]   // an exact tie at the 17th decimal: to even
    [InlineData("0", "0.000003814697265627", "0.00000381469726563")]
    [InlineData("0", "5e-18", "0")]
    [InlineData("0", "15e-18", "0.00000000000000002")]
    [InlineData("-1e-18", "0", "0")]                                   // "-0" is printed as "0"
    [InlineData("0", "4.9e-324", "0")]
    [InlineData("0", "1e-4950", "0")]                                  // a subnormal long double is accepted
    [InlineData("0", "0x1p-16445", "0")]
    [InlineData("0", "0x1.00000000000000008p0", "1")]                  // 1 + 2^-65: a tie, to even
    [InlineData("0", "0x1.00000000000000018p0", "1")]                  // rounds up to 1 + 2^-63, below the 17th decimal
    [InlineData("0", "1e400", OneE400)]
    public void Sums_match_redis_to_the_last_digit(string value, string increment, string expected)
    {
        _h.Run("SET", "k", value);
        Assert.Equal(Bulk(expected), _h.Run("INCRBYFLOAT", "k", increment));
        Assert.Equal(Bulk(expected), _h.Run("GET", "k"));
    }

    [Theory]
    [InlineData("1e4933")]                          // overflows long double
    [InlineData("0x1p16384")]
    [InlineData("1e-4951")]                         // underflows to zero
    [InlineData("0x1p-16446")]                      // half the smallest subnormal: rounds to zero
    [InlineData("1e5000")]
    [InlineData("-1e-5000")]
    public void Values_beyond_the_long_double_range_are_not_floats(string increment)
    {
        Assert.Equal(Err(NotFloat), _h.Run("INCRBYFLOAT", "k", increment));
    }

    [Fact]
    public void The_largest_long_double_prints_in_full()
    {
        var reply = _h.Run("INCRBYFLOAT", "k", "0x1.fffffffffffffffep16383").AsString()!;
        Assert.Equal(4933, reply.Length);
        Assert.StartsWith("118973149535723176502126385303097020516906332229462420044032373389173700552297", reply, StringComparison.Ordinal);
        Assert.EndsWith("60031762345960769508849149662444156604419552086811989770240", reply, StringComparison.Ordinal);
        Assert.Equal(Err("ERR increment would produce NaN or Infinity"), _h.Run("INCRBYFLOAT", "k", "0x1p16383"));
    }

    [Theory]
    [InlineData("0x10", 16.0)]
    [InlineData("1e-4950", double.Epsilon)]
    [InlineData("-1e4000", -double.MaxValue)]
    public void Doubles_from_long_doubles_saturate_instead_of_becoming_infinite_or_zero(string text, double expected)
    {
        Assert.True(ExtendedFloatText.TryParse(Encoding.ASCII.GetBytes(text), out var value));
        Assert.Equal(expected, value.ToDouble());
    }
}
