using System.Buffers;
using static Chorus.Resp.Tests.Requests;

namespace Chorus.Resp.Tests;

/// Every input size is bounded (RespLimits); the limits are lowered here so tests stay small.
public sealed class RequestParserLimitTests
{
    private static readonly RespLimits Small = new()
    {
        InlineLengthMax = 16,
        BulkLengthMax = 10,
        ArgumentCountMax = 3,
        RequestLengthMax = 12,
    };

    [Fact]
    public void Defaults_are_redis_defaults()
    {
        var limits = RespLimits.Default;

        Assert.Equal(512L * 1024 * 1024, limits.BulkLengthMax);
        Assert.Equal(1024 * 1024, limits.ArgumentCountMax);
        Assert.Equal(64 * 1024, limits.InlineLengthMax);
    }

    /// Redis: no newline and more than PROTO_INLINE_MAX_SIZE bytes buffered is an error.
    [Fact]
    public void Inline_line_longer_than_the_limit_is_too_big()
    {
        Assert.Equal(OperationStatus.NeedMoreData, Parse(new string('x', 16)).Status);
        Assert.Equal("Protocol error: too big inline request", ParseError(new string('x', 17), Small));
    }

    [Fact]
    public void Inline_line_at_the_limit_parses_and_one_past_it_does_not()
    {
        Assert.Equal([[new string('x', 16)]], ParseCommands(Bytes.GetBytes(new string('x', 16) + "\n"), Small));
        Assert.Equal("Protocol error: too big inline request", ParseError(new string('x', 16) + "\r\n", Small));
    }

    [Fact]
    public void Multibulk_count_line_without_crlf_past_the_limit_is_too_big()
    {
        Assert.Equal(OperationStatus.NeedMoreData, Parse("*" + new string('0', 15)).Status);
        Assert.Equal("Protocol error: too big mbulk count string", ParseError("*" + new string('0', 16), Small));
    }

    [Fact]
    public void Bulk_count_line_without_crlf_past_the_limit_is_too_big()
    {
        Assert.Equal(OperationStatus.NeedMoreData, Parse("*1\r\n$" + new string('0', 15)).Status);
        Assert.Equal("Protocol error: too big bulk count string", ParseError("*1\r\n$" + new string('0', 16), Small));
    }

    [Fact]
    public void Bulk_longer_than_the_limit_is_an_invalid_bulk_length()
    {
        Assert.Equal([["0123456789"]], ParseCommands(Multibulk("0123456789"), Small));
        Assert.Equal("Protocol error: invalid bulk length", ParseError("*1\r\n$11\r\n", Small));
    }

    [Fact]
    public void More_arguments_than_the_limit_is_an_invalid_multibulk_length()
    {
        Assert.Equal([["A", "B", "C"]], ParseCommands(Multibulk("A", "B", "C"), Small));
        Assert.Equal("Protocol error: invalid multibulk length", ParseError("*4\r\n", Small));
    }

    [Fact]
    public void Arguments_adding_up_past_the_request_limit_are_refused()
    {
        Assert.Equal([["SET", "k", "01234567"]], ParseCommands(Multibulk("SET", "k", "01234567"), Small));
        Assert.Equal(
            "Protocol error: request exceeds the query buffer limit",
            ParseError(Bytes.GetString(Multibulk("SET", "k", "012345678")), Small));
    }

    private static ParseRun Parse(string input)
    {
        using var batch = new RequestBatch();
        return ParseAll(Bytes.GetBytes(input), batch, Small);
    }
}
