using System.Buffers;

namespace Chorus.Resp;

/// <summary>Arrays, maps, sets, pushes and attributes for <see cref="RespReplyParser"/>.</summary>
internal static class RespAggregateParser
{
    /// <summary>The smallest encoded value ("_\r\n") is three bytes.</summary>
    private const int ValueBytesMin = 3;

    public static OperationStatus Parse(ref SequenceReader<byte> reader, byte type, int depth, out RespValue? value)
    {
        value = null;
        var status = ReadCount(ref reader, type, out var count);
        if (status != OperationStatus.Done)
        {
            return status;
        }

        if (count < 0)
        {
            value = RespValue.Null;
            return OperationStatus.Done;
        }

        status = ParseItems(ref reader, depth, count, out var items);
        if (status == OperationStatus.Done)
        {
            value = type switch
            {
                (byte)'*' => RespValue.Array(items),
                (byte)'%' => RespValue.Map(items),
                (byte)'~' => RespValue.Set(items),
                _ => RespValue.Push(items),
            };
        }

        return status;
    }

    /// <summary>An attribute map (<c>|</c>), then the value it describes, which carries it.</summary>
    public static OperationStatus ParseAttributed(ref SequenceReader<byte> reader, int depth, out RespValue? value)
    {
        value = null;
        var status = ReadCount(ref reader, (byte)'|', out var count);
        if (status == OperationStatus.Done)
        {
            status = ParseItems(ref reader, depth, count, out var items);
            if (status == OperationStatus.Done)
            {
                status = RespReplyParser.ParseValue(ref reader, depth + 1, out var described);
                value = described?.WithAttributes(RespValue.Attribute(items));
            }
        }

        return status;
    }

    /// <summary>Reads the element count; maps and attributes count pairs, returned doubled.</summary>
    private static OperationStatus ReadCount(ref SequenceReader<byte> reader, byte type, out long count)
    {
        var status = RespReplyParser.ReadInteger(ref reader, out count);
        if (status != OperationStatus.Done)
        {
            return status;
        }

        if (count < 0)
        {
            // Only RESP2's null array has a negative count.
            return type == (byte)'*' && count == -1 ? OperationStatus.Done : OperationStatus.InvalidData;
        }

        count *= type is (byte)'%' or (byte)'|' ? 2 : 1;
        if (count > Array.MaxLength)
        {
            return OperationStatus.InvalidData;
        }

        // Not enough bytes for that many values: wait without allocating for a claimed count.
        return reader.Remaining / ValueBytesMin < count ? OperationStatus.NeedMoreData : OperationStatus.Done;
    }

    private static OperationStatus ParseItems(ref SequenceReader<byte> reader, int depth, long count, out RespValue[] items)
    {
        items = new RespValue[count];
        for (var i = 0; i < items.Length; i++)
        {
            var status = RespReplyParser.ParseValue(ref reader, depth + 1, out var item);
            if (status != OperationStatus.Done)
            {
                return status;
            }

            items[i] = item!;
        }

        return OperationStatus.Done;
    }
}
