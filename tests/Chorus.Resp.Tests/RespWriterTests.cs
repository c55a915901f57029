using System.Buffers;
using System.Text;

namespace Chorus.Resp.Tests;

/// Redis protocol spec (RESP2 and RESP3): the exact bytes of each reply type.
public sealed class RespWriterTests
{
    [Theory]
    [InlineData(RespProtocol.Resp2)]
    [InlineData(RespProtocol.Resp3)]
    public void Types_common_to_both_protocols_are_written_the_same(RespProtocol protocol)
    {
        Assert.Equal("+OK\r\n", Write(protocol, w => w.WriteOk()));
        Assert.Equal("+PONG\r\n", Write(protocol, w => w.WriteSimpleString("PONG"u8)));
        Assert.Equal("+QUEUED\r\n", Write(protocol, w => w.WriteSimpleString("QUEUED")));
        Assert.Equal("-ERR unknown command 'FOO'\r\n", Write(protocol, w => w.WriteError("ERR unknown command 'FOO'")));
        Assert.Equal(":0\r\n:1\r\n:-42\r\n:9223372036854775807\r\n:-9223372036854775808\r\n", Write(protocol, w =>
        {
            w.WriteInteger(0);
            w.WriteInteger(1);
            w.WriteInteger(-42);
            w.WriteInteger(long.MaxValue);
            w.WriteInteger(long.MinValue);
        }));
        Assert.Equal("$5\r\nhello\r\n$0\r\n\r\n", Write(protocol, w =>
        {
            w.WriteBulkString("hello"u8);
            w.WriteBulkString(""u8);
        }));
        Assert.Equal("$4\r\nclé\r\n", Write(protocol, w => w.WriteBulkString("clé")));
        Assert.Equal("$3\r\n-17\r\n", Write(protocol, w => w.WriteBulkString(-17)));
        Assert.Equal("*2\r\n", Write(protocol, w => w.WriteArrayHeader(2)));
        Assert.Equal("raw", Write(protocol, w => w.WriteRaw("raw"u8)));
    }

    [Fact]
    public void Resp2_writes_resp3_types_as_redis_does_for_old_clients()
    {
        Assert.Equal("$-1\r\n", Write(RespProtocol.Resp2, w => w.WriteNull()));
        Assert.Equal("*-1\r\n", Write(RespProtocol.Resp2, w => w.WriteNullArray()));
        Assert.Equal("*4\r\n", Write(RespProtocol.Resp2, w => w.WriteMapHeader(2)));
        Assert.Equal("*3\r\n", Write(RespProtocol.Resp2, w => w.WriteSetHeader(3)));
        Assert.Equal("*3\r\n", Write(RespProtocol.Resp2, w => w.WritePushHeader(3)));
        Assert.Equal("$3\r\n1.5\r\n", Write(RespProtocol.Resp2, w => w.WriteDouble(1.5)));
        Assert.Equal(":1\r\n:0\r\n", Write(RespProtocol.Resp2, w =>
        {
            w.WriteBoolean(true);
            w.WriteBoolean(false);
        }));
        Assert.Equal("$5\r\na:b\r\n\r\n", Write(RespProtocol.Resp2, w => w.WriteVerbatimString("txt", "a:b\r\n"u8)));
    }

    [Fact]
    public void Resp3_writes_its_own_types()
    {
        Assert.Equal("_\r\n", Write(RespProtocol.Resp3, w => w.WriteNull()));
        Assert.Equal("_\r\n", Write(RespProtocol.Resp3, w => w.WriteNullArray()));
        Assert.Equal("%2\r\n", Write(RespProtocol.Resp3, w => w.WriteMapHeader(2)));
        Assert.Equal("~3\r\n", Write(RespProtocol.Resp3, w => w.WriteSetHeader(3)));
        Assert.Equal(">3\r\n", Write(RespProtocol.Resp3, w => w.WritePushHeader(3)));
        Assert.Equal(",1.5\r\n", Write(RespProtocol.Resp3, w => w.WriteDouble(1.5)));
        Assert.Equal("#t\r\n#f\r\n", Write(RespProtocol.Resp3, w =>
        {
            w.WriteBoolean(true);
            w.WriteBoolean(false);
        }));
        Assert.Equal("=9\r\ntxt:a:b\r\n\r\n", Write(RespProtocol.Resp3, w => w.WriteVerbatimString("txt", "a:b\r\n"u8)));
    }

    /// Redis addReplyErrorLength and addReplyStatus: a line break would end the reply early.
    [Fact]
    public void Line_breaks_in_errors_and_statuses_become_spaces()
    {
        Assert.Equal("-ERR a b  c\r\n", Write(RespProtocol.Resp2, w => w.WriteError("ERR a\nb\r\nc")));
        Assert.Equal("+a b\r\n", Write(RespProtocol.Resp2, w => w.WriteSimpleString("a\rb"u8)));
    }

    [Fact]
    public void Large_bulk_strings_are_written_whole()
    {
        var value = new string('x', 100_000);

        var written = Write(RespProtocol.Resp3, w =>
        {
            w.WriteBulkString(Encoding.ASCII.GetBytes(value));
            w.WriteBulkString(value);
        });

        var single = $"$100000\r\n{value}\r\n";
        Assert.Equal(single + single, written);
    }

    [Fact]
    public void Verbatim_format_must_be_three_ascii_characters()
    {
        Assert.Throws<ArgumentException>(() => Write(RespProtocol.Resp3, w => w.WriteVerbatimString("text", "x"u8)));
        Assert.Throws<ArgumentException>(() => Write(RespProtocol.Resp3, w => w.WriteVerbatimString("té", "x"u8)));
    }

    [Fact]
    public void Writer_reports_its_protocol()
    {
        Assert.Equal(RespProtocol.Resp3, new RespWriter(new ArrayBufferWriter<byte>(), RespProtocol.Resp3).Protocol);
    }

    [Fact]
    public void Literals_are_complete_replies()
    {
        Assert.Equal(RespValue.SimpleString("OK"), RespReplyParser.Parse(RespLiterals.Ok));
        Assert.Equal(RespValue.SimpleString("PONG"), RespReplyParser.Parse(RespLiterals.Pong));
        Assert.Equal(RespValue.SimpleString("QUEUED"), RespReplyParser.Parse(RespLiterals.Queued));
        Assert.Equal(RespValue.FromInteger(-2), RespReplyParser.Parse(RespLiterals.MinusTwo));
        Assert.Equal(RespValue.FromInteger(-1), RespReplyParser.Parse(RespLiterals.MinusOne));
        Assert.Equal(RespValue.Array(), RespReplyParser.Parse(RespLiterals.EmptyArray));
        Assert.Equal(RespValue.BulkString(""), RespReplyParser.Parse(RespLiterals.EmptyBulkString));
        Assert.True(RespReplyParser.Parse(RespLiterals.NullBulkString).IsNull);
    }

    internal static string Write(RespProtocol protocol, Action<RespWriter> write)
    {
        var output = new ArrayBufferWriter<byte>();
        write(new RespWriter(output, protocol));
        return Encoding.UTF8.GetString(output.WrittenSpan);
    }
}
