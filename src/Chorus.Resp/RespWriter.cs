using System.Buffers;
using System.Buffers.Text;
using System.Text;

namespace Chorus.Resp;

/// <summary>
/// Writes replies straight into the connection's output buffer, in the connection's protocol.
/// RESP3-only types fall back to what Redis sends a RESP2 client.
/// </summary>
public readonly struct RespWriter
{
    /// <summary>A type byte, a 64-bit integer and CRLF.</summary>
    private const int HeaderLengthMax = 1 + RespInteger.TextLengthMax + 2;

    /// <summary>Payloads up to this size go out with their header in one buffer request.</summary>
    private const int SmallPayloadMax = 1024;

    private readonly IBufferWriter<byte> _output;

    public RespWriter(IBufferWriter<byte> output, RespProtocol protocol)
    {
        ArgumentNullException.ThrowIfNull(output);
        _output = output;
        Protocol = protocol;
    }

    public RespProtocol Protocol { get; }

    /// <summary>A writer to the same output in another protocol (HELLO replies in the protocol it selects).</summary>
    public RespWriter WithProtocol(RespProtocol protocol) => new(_output, protocol);

    private bool IsResp3 => Protocol == RespProtocol.Resp3;

    public void WriteRaw(ReadOnlySpan<byte> bytes) => _output.Write(bytes);

    public void WriteOk() => WriteRaw(RespLiterals.Ok);

    /// <summary>A status reply; CR and LF are sent as spaces so they cannot break the framing.</summary>
    public void WriteSimpleString(ReadOnlySpan<byte> value) => WriteLine((byte)'+', value);

    /// <summary>A status reply from ASCII text (other characters go out as UTF-8).</summary>
    public void WriteSimpleString(string value) => WriteLine((byte)'+', value);

    /// <summary>
    /// An error reply; <paramref name="message"/> is everything after the '-', such as
    /// "ERR unknown command 'FOO'". CR and LF become spaces, as in Redis's addReplyErrorLength.
    /// </summary>
    public void WriteError(string message) => WriteLine((byte)'-', message);

    /// <summary>An error reply from bytes (a message that quotes a client's binary arguments); CR and LF become spaces.</summary>
    public void WriteError(ReadOnlySpan<byte> message) => WriteLine((byte)'-', message);

    public void WriteInteger(long value)
    {
        switch (value)
        {
            case 0: WriteRaw(RespLiterals.Zero); break;
            case 1: WriteRaw(RespLiterals.One); break;
            default: WriteHeader((byte)':', value); break;
        }
    }

    public void WriteBulkString(ReadOnlySpan<byte> value)
    {
        if (value.Length > SmallPayloadMax)
        {
            WriteHeader((byte)'$', value.Length);
            _output.Write(value);
            WriteRaw(RespLiterals.Crlf);
            return;
        }

        var span = _output.GetSpan(HeaderLengthMax + value.Length + 2);
        var written = FormatHeader(span, (byte)'$', value.Length);
        value.CopyTo(span[written..]);
        written += value.Length;
        "\r\n"u8.CopyTo(span[written..]);
        _output.Advance(written + 2);
    }

    /// <summary>A bulk string from text, encoded as UTF-8.</summary>
    public void WriteBulkString(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        WriteHeader((byte)'$', Encoding.UTF8.GetByteCount(value));
        Encoding.UTF8.GetBytes(value, _output);
        WriteRaw(RespLiterals.Crlf);
    }

    /// <summary>An integer sent as a bulk string, as replies that carry numbers as text do.</summary>
    public void WriteBulkString(long value)
    {
        Span<byte> digits = stackalloc byte[RespInteger.TextLengthMax];
        Utf8Formatter.TryFormat(value, digits, out var length);
        WriteBulkString(digits[..length]);
    }

    /// <summary>The null bulk string: RESP2 <c>$-1</c>, RESP3 <c>_</c>.</summary>
    public void WriteNull() => WriteRaw(IsResp3 ? RespLiterals.Null : RespLiterals.NullBulkString);

    /// <summary>The null array: RESP2 <c>*-1</c>, RESP3 <c>_</c>.</summary>
    public void WriteNullArray() => WriteRaw(IsResp3 ? RespLiterals.Null : RespLiterals.NullArray);

    public void WriteArrayHeader(int count) => WriteAggregateHeader((byte)'*', count);

    /// <summary>A map of <paramref name="pairs"/> key-value pairs: RESP2 gets a flat array.</summary>
    public void WriteMapHeader(int pairs)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(pairs);
        WriteHeader(IsResp3 ? (byte)'%' : (byte)'*', IsResp3 ? pairs : 2L * pairs);
    }

    public void WriteSetHeader(int count) => WriteAggregateHeader(IsResp3 ? (byte)'~' : (byte)'*', count);

    /// <summary>An out-of-band push (pub/sub, invalidation): RESP2 gets an array.</summary>
    public void WritePushHeader(int count) => WriteAggregateHeader(IsResp3 ? (byte)'>' : (byte)'*', count);

    /// <summary>A double in Redis's format: RESP3 <c>,1.5</c>, RESP2 a bulk string.</summary>
    public void WriteDouble(double value)
    {
        Span<byte> text = stackalloc byte[RespDouble.TextLengthMax];
        var length = RespDouble.Format(value, text);
        if (!IsResp3)
        {
            WriteBulkString(text[..length]);
            return;
        }

        WriteLine((byte)',', text[..length]);
    }

    /// <summary>RESP3 <c>#t</c>/<c>#f</c>; RESP2 clients get <c>:1</c>/<c>:0</c>, as from Redis.</summary>
    public void WriteBoolean(bool value) => WriteRaw(
        IsResp3 ? (value ? RespLiterals.True : RespLiterals.False) : (value ? RespLiterals.One : RespLiterals.Zero));

    /// <summary>
    /// Text with a format hint (<c>txt</c>, <c>mkd</c>) for RESP3 clients to show as is;
    /// RESP2 clients get a plain bulk string. Used by INFO and CLIENT INFO.
    /// </summary>
    public void WriteVerbatimString(string format3Chars, ReadOnlySpan<byte> text)
    {
        ArgumentNullException.ThrowIfNull(format3Chars);
        if (format3Chars.Length != 3 || !Ascii.IsValid(format3Chars))
        {
            throw new ArgumentException("A verbatim format is three ASCII characters.", nameof(format3Chars));
        }

        if (!IsResp3)
        {
            WriteBulkString(text);
            return;
        }

        WriteHeader((byte)'=', text.Length + 4L);
        var prefix = _output.GetSpan(4);
        Encoding.ASCII.GetBytes(format3Chars, prefix);
        prefix[3] = (byte)':';
        _output.Advance(4);
        _output.Write(text);
        WriteRaw(RespLiterals.Crlf);
    }

    private void WriteAggregateHeader(byte type, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        WriteHeader(type, count);
    }

    private void WriteHeader(byte type, long value)
    {
        var span = _output.GetSpan(HeaderLengthMax);
        _output.Advance(FormatHeader(span, type, value));
    }

    private static int FormatHeader(Span<byte> span, byte type, long value)
    {
        span[0] = type;
        Utf8Formatter.TryFormat(value, span[1..], out var digits);
        span[1 + digits] = (byte)'\r';
        span[2 + digits] = (byte)'\n';
        return digits + 3;
    }

    private void WriteLine(byte type, ReadOnlySpan<byte> text)
    {
        var span = _output.GetSpan(text.Length + 3);
        span[0] = type;
        var body = span.Slice(1, text.Length);
        text.CopyTo(body);
        ReplaceLineBreaks(body);
        "\r\n"u8.CopyTo(span[(1 + text.Length)..]);
        _output.Advance(text.Length + 3);
    }

    private void WriteLine(byte type, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var length = Encoding.UTF8.GetByteCount(text);
        var span = _output.GetSpan(length + 3);
        span[0] = type;
        var body = span.Slice(1, length);
        Encoding.UTF8.GetBytes(text, body);
        ReplaceLineBreaks(body);
        "\r\n"u8.CopyTo(span[(1 + length)..]);
        _output.Advance(length + 3);
    }

    private static void ReplaceLineBreaks(Span<byte> text)
    {
        text.Replace((byte)'\r', (byte)' ');
        text.Replace((byte)'\n', (byte)' ');
    }
}
