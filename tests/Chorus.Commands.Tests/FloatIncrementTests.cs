using Chorus.Commands.Logical;
using Chorus.Resp;
using static Chorus.Commands.Tests.Replies;

namespace Chorus.Commands.Tests;

/// Redis docs (INCRBYFLOAT, HINCRBYFLOAT) and t_string.c / t_hash.c: strtold parsing, humanized replies.
public sealed class FloatIncrementTests : IDisposable
{
    private const string NotFloat = "ERR value is not a valid float";

    private readonly CommandHarness _h = new();

    public void Dispose() => _h.Dispose();

    [Fact]
    public void Incrbyfloat_matches_the_redis_documentation_examples()
    {
        _h.Run("SET", "mykey", "10.50");
        Assert.Equal(Bulk("10.6"), _h.Run("INCRBYFLOAT", "mykey", "0.1"));
        Assert.Equal(Bulk("5.6"), _h.Run("INCRBYFLOAT", "mykey", "-5"));
        _h.Run("SET", "mykey", "5.0e3");
        Assert.Equal(Bulk("5200"), _h.Run("INCRBYFLOAT", "mykey", "2.0e2"));
        Assert.Equal(Bulk("5200"), _h.Run("GET", "mykey"));
    }

    [Fact]
    public void Decimal_sums_print_as_redis_long_doubles_do()
    {
        Assert.Equal(Bulk("0.1"), _h.Run("INCRBYFLOAT", "k", "0.1"));
        Assert.Equal(Bulk("0.2"), _h.Run("INCRBYFLOAT", "k", "0.1"));
        Assert.Equal(Bulk("0.3"), _h.Run("INCRBYFLOAT", "k", "0.1"));
        _h.Run("SET", "x", "1.1");
        Assert.Equal(Bulk("3.3"), _h.Run("INCRBYFLOAT", "x", "2.2"));
    }

    [Theory]
    [InlineData("1e-20", "0")]
    [InlineData("-0", "0")]
    [InlineData("0.00000000000000001", "0.00000000000000001")]
    [InlineData("0.000000000000000004", "0")]
    [InlineData("-1.50", "-1.5")]
    [InlineData("1e10", "10000000000")]
    [InlineData("0x10", "16")]
    [InlineData("0x1.8p1", "3")]
    [InlineData("+.5", "0.5")]
    [InlineData("5.", "5")]
    public void Results_are_plain_decimal_text_with_at_most_17_decimals(string increment, string expected)
    {
        Assert.Equal(Bulk(expected), _h.Run("INCRBYFLOAT", "k", increment));
    }

    [Fact]
    public void Huge_results_are_printed_without_an_exponent()
    {
        var reply = _h.Run("INCRBYFLOAT", "k", "1e30").AsString()!;
        Assert.DoesNotContain("e", reply, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(1e30, double.Parse(reply, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void The_reply_is_a_bulk_string_in_resp3_too()
    {
        Assert.Equal(RespValueKind.BulkString, _h.Run3("INCRBYFLOAT", "k", "1.5").Kind);
        Assert.Equal(RespValueKind.BulkString, _h.Run3("HINCRBYFLOAT", "h", "f", "1.5").Kind);
    }

    [Fact]
    public void The_resulting_text_is_logged_so_replicas_never_compute_floats()
    {
        _h.Run("INCRBYFLOAT", "k", "2.5");
        var put = Assert.IsType<PutChange>(Assert.Single(_h.LastChanges));
        Assert.Equal("2.5", StoredText(put.After));
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("")]
    [InlineData(" 1")]
    [InlineData("1 ")]
    [InlineData("1e")]
    [InlineData("nan")]
    [InlineData("0x")]
    [InlineData("1e5000")]
    [InlineData("1e-5000")]
    [InlineData("1.2.3")]
    public void Invalid_increments_are_not_valid_floats(string increment)
    {
        Assert.Equal(Err(NotFloat), _h.Run("INCRBYFLOAT", "k", increment));
        Assert.Equal(Err(NotFloat), _h.Run("HINCRBYFLOAT", "h", "f", increment));
        Assert.Equal(Int(0), _h.Run("EXISTS", "k", "h"));
    }

    [Fact]
    public void An_invalid_stored_value_is_reported_per_type()
    {
        _h.Run("SET", "k", "one");
        Assert.Equal(Err(NotFloat), _h.Run("INCRBYFLOAT", "k", "1"));
        _h.Run("HSET", "h", "f", "one");
        Assert.Equal(Err("ERR hash value is not a float"), _h.Run("HINCRBYFLOAT", "h", "f", "1"));
    }

    [Fact]
    public void Infinite_results_and_increments_are_rejected_with_redis_wording()
    {
        Assert.Equal(Err("ERR increment would produce NaN or Infinity"), _h.Run("INCRBYFLOAT", "k", "inf"));
        _h.Run("SET", "big", "1e4932");
        Assert.Equal(Err("ERR increment would produce NaN or Infinity"), _h.Run("INCRBYFLOAT", "big", "1e4932"));
        Assert.Equal(Err("ERR value is NaN or Infinity"), _h.Run("HINCRBYFLOAT", "h", "f", "-Infinity"));
        Assert.Equal(Int(0), _h.Run("EXISTS", "k", "h"));
    }

    /// Redis computes in long double (x87 80-bit): past a double's range is still finite.
    [Fact]
    public void Sums_past_the_double_range_are_finite_as_in_redis()
    {
        _h.Run("SET", "big", "1.7e308");
        var reply = _h.Run("INCRBYFLOAT", "big", "1.7e308").AsString()!;
        Assert.Equal(309, reply.Length);
        Assert.StartsWith("34000000000000000000627355605039519359054042777938", reply, StringComparison.Ordinal);
        Assert.Equal(Bulk("0"), _h.Run("INCRBYFLOAT", "tiny", "1e-400"));
    }

    [Fact]
    public void Incrbyfloat_keeps_the_ttl_and_rejects_other_types()
    {
        _h.Run("SET", "k", "1", "EX", "100");
        _h.Run("INCRBYFLOAT", "k", "0.5");
        Assert.Equal(Int(100), _h.Run("TTL", "k"));
        _h.Run("SADD", "s", "m");
        Assert.Equal(WrongType, _h.Run("INCRBYFLOAT", "s", "1"));
        Assert.Equal(WrongType, _h.Run("HINCRBYFLOAT", "s", "f", "1"));
    }

    [Fact]
    public void Hincrbyfloat_adds_to_a_field()
    {
        _h.Run("HSET", "h", "f", "10.50");
        Assert.Equal(Bulk("10.6"), _h.Run("HINCRBYFLOAT", "h", "f", "0.1"));
        Assert.Equal(Bulk("-2"), _h.Run("HINCRBYFLOAT", "h", "g", "-2"));
        Assert.Equal(Arr("10.6", "-2"), _h.Run("HMGET", "h", "f", "g"));
    }
}
