namespace Chorus.Resp.Tests;

/// Redis 7.2+ d2string / fpconv_dtoa: shortest round-trip digits, integers printed as integers.
public sealed class RespDoubleFormatTests
{
    [Theory]
    [InlineData(1.5, "1.5")]
    [InlineData(-1.5, "-1.5")]
    [InlineData(0.1, "0.1")]
    [InlineData(3.14, "3.14")]
    [InlineData(3.0, "3")]
    [InlineData(-42.0, "-42")]
    [InlineData(0.0, "0")]
    [InlineData(-0.0, "-0")]
    [InlineData(123456.789, "123456.789")]
    [InlineData(0.000123, "0.000123")]
    [InlineData(1.23e-5, "1.23e-5")]
    [InlineData(1e-7, "1e-7")]
    [InlineData(1e20, "1e+20")]
    [InlineData(1.5e300, "1.5e+300")]
    [InlineData(4611686018427387904.0, "4611686018427387904")]
    [InlineData(9223372036854775808.0, "9223372036854776000")]
    [InlineData(double.MaxValue, "1.7976931348623157e+308")]
    [InlineData(double.Epsilon, "5e-324")]
    [InlineData(double.PositiveInfinity, "inf")]
    [InlineData(double.NegativeInfinity, "-inf")]
    [InlineData(double.NaN, "nan")]
    public void Doubles_are_formatted_as_redis_formats_them(double value, string expected)
    {
        Assert.Equal($",{expected}\r\n", RespWriterTests.Write(RespProtocol.Resp3, w => w.WriteDouble(value)));
        Assert.Equal($"${expected.Length}\r\n{expected}\r\n", RespWriterTests.Write(RespProtocol.Resp2, w => w.WriteDouble(value)));
    }

    [Fact]
    public void Formatted_doubles_parse_back_to_the_same_value()
    {
        var random = new Random(20240601);
        for (var i = 0; i < 10_000; i++)
        {
            var value = BitConverter.Int64BitsToDouble(random.NextInt64());
            if (!double.IsFinite(value))
            {
                continue;
            }

            var parsed = RespReplyParser.Parse(System.Text.Encoding.ASCII.GetBytes(
                RespWriterTests.Write(RespProtocol.Resp3, w => w.WriteDouble(value))));

            Assert.Equal(value, parsed.Double);
        }
    }
}
