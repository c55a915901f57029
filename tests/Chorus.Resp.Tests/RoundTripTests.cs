using System.Buffers;

namespace Chorus.Resp.Tests;

/// What the server writes, a client reads back as the value meant, in both protocols.
public sealed class RoundTripTests
{
    [Theory]
    [InlineData(RespProtocol.Resp2)]
    [InlineData(RespProtocol.Resp3)]
    public void Every_writer_method_reads_back(RespProtocol protocol)
    {
        var resp3 = protocol == RespProtocol.Resp3;
        var allBytes = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();
        var output = new ArrayBufferWriter<byte>();
        var writer = new RespWriter(output, protocol);

        writer.WriteArrayHeader(13);
        writer.WriteOk();
        writer.WriteSimpleString("PONG");
        writer.WriteError("WRONGTYPE Operation against a key holding the wrong kind of value");
        writer.WriteInteger(long.MinValue);
        writer.WriteBulkString(allBytes);
        writer.WriteBulkString(12345);
        writer.WriteNull();
        writer.WriteNullArray();
        writer.WriteMapHeader(1);
        writer.WriteBulkString("field");
        writer.WriteDouble(2.5);
        writer.WriteSetHeader(2);
        writer.WriteBoolean(true);
        writer.WriteBoolean(false);
        writer.WritePushHeader(1);
        writer.WriteSimpleString("invalidate"u8);
        writer.WriteDouble(double.NegativeInfinity);
        writer.WriteVerbatimString("txt", "# Server\r\nredis_version:7.2.0\r\n"u8);

        var expected = RespValue.Array(
            RespValue.SimpleString("OK"),
            RespValue.SimpleString("PONG"),
            RespValue.Error("WRONGTYPE Operation against a key holding the wrong kind of value"),
            RespValue.FromInteger(long.MinValue),
            RespValue.BulkString(allBytes),
            RespValue.BulkString("12345"),
            RespValue.Null,
            RespValue.Null,
            resp3
                ? RespValue.Map(RespValue.BulkString("field"), RespValue.FromDouble(2.5))
                : RespValue.Array(RespValue.BulkString("field"), RespValue.BulkString("2.5")),
            resp3
                ? RespValue.Set(RespValue.FromBoolean(true), RespValue.FromBoolean(false))
                : RespValue.Array(RespValue.FromInteger(1), RespValue.FromInteger(0)),
            resp3
                ? RespValue.Push(RespValue.SimpleString("invalidate"))
                : RespValue.Array(RespValue.SimpleString("invalidate")),
            resp3 ? RespValue.FromDouble(double.NegativeInfinity) : RespValue.BulkString("-inf"),
            resp3
                ? RespValue.Verbatim("txt", "# Server\r\nredis_version:7.2.0\r\n"u8)
                : RespValue.BulkString("# Server\r\nredis_version:7.2.0\r\n"));

        Assert.Equal(expected, RespReplyParser.Parse(output.WrittenSpan));
    }
}
