using System.Buffers;
using System.Globalization;
using System.Text;

namespace Chorus.Resp;

/// <summary>
/// Parses RESP2 and RESP3 replies into <see cref="RespValue"/> trees, for clients, tools and
/// tests. Simple rather than fast: an incomplete reply is reparsed from its start when more
/// bytes arrive. RESP3 streamed strings and aggregates (<c>$?</c>, <c>*?</c>) are not supported.
/// </summary>
public static class RespReplyParser
{
    /// <summary>Deepest nesting accepted; real replies nest a handful of levels.</summary>
    public const int NestingDepthMax = 64;

    /// <summary>
    /// Parses one reply. <see cref="OperationStatus.NeedMoreData"/> and
    /// <see cref="OperationStatus.InvalidData"/> leave the reader where it was.
    /// </summary>
    public static OperationStatus TryParse(ref SequenceReader<byte> reader, out RespValue? value)
    {
        var local = reader;
        var status = ParseValue(ref local, 0, out value);
        if (status == OperationStatus.Done)
        {
            reader = local;
        }
        else
        {
            value = null;
        }

        return status;
    }

    /// <summary>Parses exactly one whole reply; throws if the bytes hold anything else.</summary>
    public static RespValue Parse(ReadOnlySpan<byte> bytes)
    {
        var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(bytes.ToArray()));
        var status = TryParse(ref reader, out var value);
        if (status != OperationStatus.Done || !reader.End)
        {
            throw new FormatException(status == OperationStatus.Done
                ? $"{reader.Remaining} bytes follow the reply."
                : $"Not one whole reply ({status}).");
        }

        return value!;
    }

    internal static OperationStatus ParseValue(ref SequenceReader<byte> reader, int depth, out RespValue? value)
    {
        value = null;
        if (depth > NestingDepthMax)
        {
            return OperationStatus.InvalidData;
        }

        if (!reader.TryRead(out var type))
        {
            return OperationStatus.NeedMoreData;
        }

        return type switch
        {
            (byte)'+' or (byte)'-' or (byte)':' or (byte)',' or (byte)'#' or (byte)'(' or (byte)'_' =>
                ParseLineValue(ref reader, type, out value),
            (byte)'$' or (byte)'!' or (byte)'=' => ParseBlob(ref reader, type, out value),
            (byte)'*' or (byte)'%' or (byte)'~' or (byte)'>' => RespAggregateParser.Parse(ref reader, type, depth, out value),
            (byte)'|' => RespAggregateParser.ParseAttributed(ref reader, depth, out value),
            _ => OperationStatus.InvalidData,
        };
    }

    /// <summary>Reads up to CRLF; the line may not contain a bare CR or LF.</summary>
    internal static OperationStatus ReadLine(ref SequenceReader<byte> reader, out ReadOnlySequence<byte> line)
    {
        if (!reader.TryReadTo(out line, (byte)'\n'))
        {
            return OperationStatus.NeedMoreData;
        }

        if (line.IsEmpty || line.Slice(line.Length - 1).FirstSpan[0] != (byte)'\r')
        {
            return OperationStatus.InvalidData;
        }

        line = line.Slice(0, line.Length - 1);
        return line.PositionOf((byte)'\r') is null ? OperationStatus.Done : OperationStatus.InvalidData;
    }

    internal static OperationStatus ReadInteger(ref SequenceReader<byte> reader, out long value)
    {
        value = 0;
        var status = ReadLine(ref reader, out var line);
        if (status != OperationStatus.Done)
        {
            return status;
        }

        return line.Length <= RespInteger.TextLengthMax && RespInteger.TryParse(line.ToArray(), out value)
            ? OperationStatus.Done
            : OperationStatus.InvalidData;
    }

    private static OperationStatus ParseLineValue(ref SequenceReader<byte> reader, byte type, out RespValue? value)
    {
        value = null;
        var status = ReadLine(ref reader, out var line);
        if (status != OperationStatus.Done)
        {
            return status;
        }

        value = LineValue(type, line.ToArray());
        return value is null ? OperationStatus.InvalidData : OperationStatus.Done;
    }

    private static RespValue? LineValue(byte type, byte[] text) => type switch
    {
        (byte)'+' => RespValue.SimpleString(text.AsSpan()),
        (byte)'-' => RespValue.Error(text.AsSpan()),
        (byte)':' => RespInteger.TryParse(text, out var integer) ? RespValue.FromInteger(integer) : null,
        (byte)',' => TryParseDouble(text, out var number) ? RespValue.FromDouble(number) : null,
        (byte)'#' => text is [(byte)'t'] ? RespValue.FromBoolean(true) : text is [(byte)'f'] ? RespValue.FromBoolean(false) : null,
        (byte)'(' => IsBigNumber(text) ? RespValue.BigNumber(Encoding.ASCII.GetString(text)) : null,
        _ => text.Length == 0 ? RespValue.Null : null,
    };

    private static OperationStatus ParseBlob(ref SequenceReader<byte> reader, byte type, out RespValue? value)
    {
        value = null;
        var status = ReadInteger(ref reader, out var length);
        if (status != OperationStatus.Done)
        {
            return status;
        }

        if (length == -1 && type == (byte)'$')
        {
            value = RespValue.Null;
            return OperationStatus.Done;
        }

        if (length < 0 || length > Array.MaxLength || (type == (byte)'=' && length < 4))
        {
            return OperationStatus.InvalidData;
        }

        if (reader.Remaining < length + 2)
        {
            return OperationStatus.NeedMoreData;
        }

        var bytes = reader.UnreadSequence.Slice(0, length).ToArray();
        reader.Advance(length);
        if (!reader.IsNext("\r\n"u8, advancePast: true))
        {
            return OperationStatus.InvalidData;
        }

        value = BlobValue(type, bytes);
        return value is null ? OperationStatus.InvalidData : OperationStatus.Done;
    }

    private static RespValue? BlobValue(byte type, byte[] bytes) => type switch
    {
        (byte)'$' => RespValue.BulkString(bytes),
        (byte)'!' => RespValue.Error(bytes.AsSpan()),
        _ => bytes[3] == (byte)':' && Ascii.IsValid(bytes.AsSpan(0, 3))
            ? RespValue.Verbatim(Encoding.ASCII.GetString(bytes, 0, 3), bytes.AsSpan(4))
            : null,
    };

    private static bool TryParseDouble(byte[] text, out double value)
    {
        switch (Encoding.ASCII.GetString(text))
        {
            case "inf" or "+inf": value = double.PositiveInfinity; return true;
            case "-inf": value = double.NegativeInfinity; return true;
            case "nan" or "-nan": value = double.NaN; return true;
        }

        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);
    }

    private static bool IsBigNumber(byte[] text)
    {
        var digits = text is [(byte)'-', ..] ? text.AsSpan(1) : text;
        return !digits.IsEmpty && !digits.ContainsAnyExceptInRange((byte)'0', (byte)'9');
    }
}
