using System.Buffers;
using static Chorus.Resp.Tests.Requests;

namespace Chorus.Resp.Tests;

/// Redis protocol spec, "Sending commands to a Redis server": a request is an array of bulk strings.
public sealed class RequestParserMultibulkTests
{
    [Fact]
    public void Multibulk_request_parses_into_name_and_arguments()
    {
        var commands = ParseCommands(Bytes.GetBytes("*2\r\n$3\r\nGET\r\n$1\r\nk\r\n"));

        Assert.Equal([["GET", "k"]], commands);
    }

    [Fact]
    public void Done_moves_the_reader_exactly_past_one_request()
    {
        using var batch = new RequestBatch();
        var input = Concat(Multibulk("GET", "a"), Multibulk("GET", "b"));
        var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(input));

        var status = RespRequestParser.TryParse(ref reader, batch, RespLimits.Default, out var error);

        Assert.Equal(OperationStatus.Done, status);
        Assert.Null(error);
        Assert.Equal(Multibulk("GET", "a").Length, reader.Consumed);
        Assert.Equal(1, batch.Count);
    }

    [Fact]
    public void Pipelined_requests_in_one_buffer_all_parse_in_order()
    {
        var requests = Enumerable.Range(0, 500).Select(i => new[] { "SET", $"key:{i}", new string('v', i % 37) }).ToArray();
        var input = Concat(requests.Select(Multibulk).ToArray());

        Assert.Equal(requests, ParseCommands(input));
    }

    [Fact]
    public void Multibulk_and_inline_requests_mix_in_one_pipeline()
    {
        var input = Concat(Multibulk("SET", "k", "v"), Bytes.GetBytes("PING\r\n"), Multibulk("GET", "k"));

        Assert.Equal([["SET", "k", "v"], ["PING"], ["GET", "k"]], ParseCommands(input));
    }

    /// Redis networking.c: a multibulk count of zero or below is an empty request, skipped.
    [Theory]
    [InlineData("*0\r\n")]
    [InlineData("*-1\r\n")]
    [InlineData("*-10\r\n")]
    public void Empty_multibulk_requests_are_consumed_and_skipped(string empty)
    {
        var input = Concat(Bytes.GetBytes(empty), Multibulk("PING"), Bytes.GetBytes(empty));

        Assert.Equal([["PING"]], ParseCommands(input));
    }

    [Fact]
    public void Only_empty_requests_report_need_more_data_with_the_reader_moved_past_them()
    {
        using var batch = new RequestBatch();
        var input = Bytes.GetBytes("*0\r\n\r\n*-1\r\n*1\r\n$4\r\nPI");

        var run = ParseAll(input, batch);

        Assert.Equal(OperationStatus.NeedMoreData, run.Status);
        Assert.Equal("*0\r\n\r\n*-1\r\n".Length, run.Consumed);
        Assert.Equal(0, batch.Count);
    }

    [Fact]
    public void Every_byte_value_survives_as_an_argument()
    {
        var allBytes = Bytes.GetString(Enumerable.Range(0, 256).Select(i => (byte)i).ToArray());

        var commands = ParseCommands(Multibulk("SET", allBytes, allBytes));

        Assert.Equal(allBytes, commands[0][1]);
        Assert.Equal(allBytes, commands[0][2]);
    }

    [Fact]
    public void Crlf_and_headers_inside_bulk_data_are_data()
    {
        const string tricky = "a\r\n*2\r\n$3\r\nGET\r\n\r\n";

        Assert.Equal([["ECHO", tricky, ""]], ParseCommands(Multibulk("ECHO", tricky, "")));
    }

    [Fact]
    public void Arguments_outlive_the_buffer_they_were_parsed_from()
    {
        using var batch = new RequestBatch();
        var input = Multibulk("SET", "key", "value");
        ParseAll(input, batch);

        Array.Clear(input);

        Assert.Equal(["SET", "key", "value"], Arguments(batch[0]));
    }

    [Fact]
    public void Large_value_parses_whole()
    {
        var value = new string('x', 1_000_000);

        Assert.Equal(value, ParseCommands(Multibulk("SET", "k", value))[0][2]);
    }
}
