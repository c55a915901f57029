using static Chorus.Resp.Tests.Requests;

namespace Chorus.Resp.Tests;

/// Malformed input gets Redis's exact error text (networking.c), so clients see what Redis says.
public sealed class RequestParserErrorTests
{
    [Theory]
    [InlineData("*abc\r\n")]
    [InlineData("*\r\n")]
    [InlineData("*01\r\n")]
    [InlineData("*+1\r\n")]
    [InlineData("* 1\r\n")]
    [InlineData("*1 \r\n")]
    [InlineData("*-0\r\n")]
    [InlineData("*99999999999999999999\r\n")]
    [InlineData("*1048577\r\n")]
    [InlineData("*1\rX")]
    public void Bad_multibulk_count_is_an_invalid_multibulk_length(string input)
    {
        Assert.Equal("Protocol error: invalid multibulk length", ParseError(input));
    }

    [Theory]
    [InlineData("*1\r\n$-1\r\n")]
    [InlineData("*1\r\n$abc\r\n")]
    [InlineData("*1\r\n$\r\n")]
    [InlineData("*1\r\n$01\r\n")]
    [InlineData("*1\r\n$536870913\r\n")]
    [InlineData("*1\r\n$18446744073709551616\r\n")]
    [InlineData("*1\r\n$1\rX")]
    public void Bad_bulk_length_is_an_invalid_bulk_length(string input)
    {
        Assert.Equal("Protocol error: invalid bulk length", ParseError(input));
    }

    [Fact]
    public void Largest_allowed_bulk_length_waits_for_its_data()
    {
        using var batch = new RequestBatch();

        var run = ParseAll(Bytes.GetBytes("*1\r\n$536870912\r\n"), batch);

        Assert.Equal(System.Buffers.OperationStatus.NeedMoreData, run.Status);
    }

    /// Redis tests/unit/protocol.tcl, "Wrong multibulk payload header".
    [Fact]
    public void Non_bulk_argument_reports_the_byte_it_got()
    {
        Assert.Equal("Protocol error: expected '$', got 'f'", ParseError("*3\r\n$3\r\nSET\r\n$1\r\nx\r\nfooz\r\n"));
    }

    [Theory]
    [InlineData("*1\r\n:1\r\n", ":")]
    [InlineData("*1\r\n\r\n", " ")]
    public void Expected_dollar_shows_line_breaks_as_spaces(string input, string shown)
    {
        Assert.Equal($"Protocol error: expected '$', got '{shown}'", ParseError(input));
    }

    [Theory]
    [InlineData("*1\r\n$1\r\nab\r\n")]
    [InlineData("*1\r\n$1\r\na\n\r")]
    [InlineData("*1\r\n$0\r\nxx")]
    public void Bulk_data_not_followed_by_crlf_is_an_error(string input)
    {
        Assert.Equal("Protocol error: expected CRLF after bulk data", ParseError(input));
    }

    [Theory]
    [InlineData("SET k \"v\r\n")]
    [InlineData("SET k 'v\r\n")]
    [InlineData("ECHO \"a\"x\n")]
    [InlineData("ECHO 'a'x\n")]
    [InlineData("ECHO \"a\\\"\n")]
    [InlineData("ECHO 'a\\'\n")]
    public void Unbalanced_quotes_are_an_error(string input)
    {
        Assert.Equal("Protocol error: unbalanced quotes in request", ParseError(input));
    }

    [Fact]
    public void An_error_after_good_requests_keeps_the_good_ones()
    {
        using var batch = new RequestBatch();

        var run = ParseAll(Bytes.GetBytes("PING\r\n*1\r\n$4\r\nECHO\r\n*x\r\n"), batch);

        Assert.Equal("Protocol error: invalid multibulk length", run.Error);
        Assert.Equal([["PING"], ["ECHO"]], Commands(batch));
    }

    [Fact]
    public void Unbalanced_quotes_leave_nothing_in_the_batch()
    {
        using var batch = new RequestBatch();

        ParseAll(Bytes.GetBytes("SET a \"b\r\n"), batch);

        Assert.Equal(0, batch.Count);
        Assert.Equal(0, batch.ArenaBytes);
    }
}
