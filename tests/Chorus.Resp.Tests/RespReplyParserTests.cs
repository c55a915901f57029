using System.Buffers;
using System.Text;

namespace Chorus.Resp.Tests;

/// Redis protocol spec: every RESP2 and RESP3 reply type, parsed incrementally.
public sealed class RespReplyParserTests
{
    public static TheoryData<string, RespValue> Replies => new()
    {
        { "+OK\r\n", RespValue.SimpleString("OK") },
        { "-ERR wrong\r\n", RespValue.Error("ERR wrong") },
        { "!8\r\nERR a\r\nb\r\n", RespValue.Error("ERR a\r\nb") },
        { ":-7\r\n", RespValue.FromInteger(-7) },
        { "$3\r\na\r\n\r\n", RespValue.BulkString("a\r\n") },
        { "$0\r\n\r\n", RespValue.BulkString("") },
        { "$-1\r\n", RespValue.Null },
        { "*-1\r\n", RespValue.Null },
        { "_\r\n", RespValue.Null },
        { "*0\r\n", RespValue.Array() },
        { "*2\r\n:1\r\n*1\r\n+x\r\n", RespValue.Array(RespValue.FromInteger(1), RespValue.Array(RespValue.SimpleString("x"))) },
        { "%1\r\n+k\r\n:1\r\n", RespValue.Map(RespValue.SimpleString("k"), RespValue.FromInteger(1)) },
        { "~2\r\n:1\r\n:2\r\n", RespValue.Set(RespValue.FromInteger(1), RespValue.FromInteger(2)) },
        { ">2\r\n+message\r\n$1\r\nx\r\n", RespValue.Push(RespValue.SimpleString("message"), RespValue.BulkString("x")) },
        { ",1.5\r\n", RespValue.FromDouble(1.5) },
        { ",-2e-3\r\n", RespValue.FromDouble(-0.002) },
        { ",inf\r\n", RespValue.FromDouble(double.PositiveInfinity) },
        { ",-inf\r\n", RespValue.FromDouble(double.NegativeInfinity) },
        { ",nan\r\n", RespValue.FromDouble(double.NaN) },
        { "#t\r\n", RespValue.FromBoolean(true) },
        { "#f\r\n", RespValue.FromBoolean(false) },
        { "(-3492890328409238509324850943850943825024385\r\n", RespValue.BigNumber("-3492890328409238509324850943850943825024385") },
        { "=15\r\ntxt:Some string\r\n", RespValue.Verbatim("txt", "Some string"u8) },
    };

    [Theory]
    [MemberData(nameof(Replies))]
    public void Each_reply_type_parses(string wire, RespValue expected)
    {
        Assert.Equal(expected, RespReplyParser.Parse(Encoding.UTF8.GetBytes(wire)));
    }

    [Theory]
    [MemberData(nameof(Replies))]
    public void Reply_split_at_every_byte_needs_more_data_then_parses(string wire, RespValue expected)
    {
        var bytes = Encoding.UTF8.GetBytes(wire);
        for (var cut = 0; cut < bytes.Length; cut++)
        {
            var reader = new SequenceReader<byte>(Sequences.Split(bytes.AsSpan(0, cut), cut / 2));

            Assert.Equal(OperationStatus.NeedMoreData, RespReplyParser.TryParse(ref reader, out var none));
            Assert.Null(none);
            Assert.Equal(0, reader.Consumed);
        }

        var whole = new SequenceReader<byte>(Sequences.BytePerSegment(bytes));
        Assert.Equal(OperationStatus.Done, RespReplyParser.TryParse(ref whole, out var value));
        Assert.Equal(expected, value);
        Assert.True(whole.End);
    }

    [Fact]
    public void Attribute_is_attached_to_the_value_it_precedes()
    {
        var value = RespReplyParser.Parse("|1\r\n+ttl\r\n:3600\r\n$1\r\nv\r\n"u8);

        Assert.Equal(RespValueKind.BulkString, value.Kind);
        Assert.Equal("v", value.AsString());
        Assert.Equal(RespValue.Attribute(RespValue.SimpleString("ttl"), RespValue.FromInteger(3600)), value.Attributes);
    }

    [Fact]
    public void Pipelined_replies_parse_one_at_a_time()
    {
        var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>("+OK\r\n:1\r\n$1\r\nx\r\n"u8.ToArray()));
        var values = new List<RespValue>();

        while (RespReplyParser.TryParse(ref reader, out var value) == OperationStatus.Done)
        {
            values.Add(value!);
        }

        Assert.Equal([RespValue.SimpleString("OK"), RespValue.FromInteger(1), RespValue.BulkString("x")], values);
    }

    [Fact]
    public void Nesting_up_to_the_limit_parses_and_deeper_is_invalid()
    {
        Assert.Equal(OperationStatus.Done, TryParse(Nested(RespReplyParser.NestingDepthMax)));
        Assert.Equal(OperationStatus.InvalidData, TryParse(Nested(RespReplyParser.NestingDepthMax + 1)));
    }

    [Theory]
    [InlineData("?\r\n")]
    [InlineData(":abc\r\n")]
    [InlineData(":1\n")]
    [InlineData("+a\rb\r\n")]
    [InlineData("$3\r\nabcd\r\n")]
    [InlineData("$-2\r\n")]
    [InlineData("%-1\r\n")]
    [InlineData("#x\r\n")]
    [InlineData(",one\r\n")]
    [InlineData("(12a\r\n")]
    [InlineData("=3\r\ntxt\r\n")]
    [InlineData("=5\r\ntxt-x\r\n")]
    [InlineData("_x\r\n")]
    public void Malformed_replies_are_invalid_and_leave_the_reader_unchanged(string wire)
    {
        var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(Encoding.ASCII.GetBytes(wire)));

        Assert.Equal(OperationStatus.InvalidData, RespReplyParser.TryParse(ref reader, out var value));
        Assert.Null(value);
        Assert.Equal(0, reader.Consumed);
    }

    [Fact]
    public void A_huge_claimed_count_waits_instead_of_allocating()
    {
        Assert.Equal(OperationStatus.NeedMoreData, TryParse("*2000000000\r\n:1\r\n"u8.ToArray()));
    }

    [Fact]
    public void Parse_refuses_trailing_or_missing_bytes()
    {
        Assert.Throws<FormatException>(() => RespReplyParser.Parse("+OK\r\n+OK\r\n"u8));
        Assert.Throws<FormatException>(() => RespReplyParser.Parse("+OK\r"u8));
    }

    private static byte[] Nested(int depth) =>
        Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("*1\r\n", depth)) + ":1\r\n");

    private static OperationStatus TryParse(byte[] bytes)
    {
        var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(bytes));
        return RespReplyParser.TryParse(ref reader, out _);
    }
}
