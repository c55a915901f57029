using System.Buffers;

namespace Chorus.Resp;

/// <summary>Finding line ends and header numbers in the unread part of a sequence.</summary>
internal static class RespLine
{
    /// <summary>
    /// Offset of the first <paramref name="delimiter"/> among the next
    /// <paramref name="windowBytes"/> unread bytes, or -1. The window keeps a client that never
    /// sends a line end from making every read rescan everything it sent.
    /// </summary>
    public static long IndexOf(in SequenceReader<byte> reader, byte delimiter, long windowBytes)
    {
        var span = reader.UnreadSpan;
        var searched = span.Length > windowBytes ? span[..(int)windowBytes] : span;
        var index = searched.IndexOf(delimiter);
        if (index >= 0 || searched.Length == windowBytes || span.Length == reader.Remaining)
        {
            return index;
        }

        return IndexOfAcrossSegments(reader.UnreadSequence, delimiter, windowBytes);
    }

    private static long IndexOfAcrossSegments(ReadOnlySequence<byte> unread, byte delimiter, long windowBytes)
    {
        var window = unread.Slice(0, Math.Min(unread.Length, windowBytes));
        var position = window.PositionOf(delimiter);
        return position is { } found ? window.Slice(0, found).Length : -1;
    }

    /// <summary>
    /// Parses the number in a header line such as <c>$42\r\n</c> whose CR is at
    /// <paramref name="crOffset"/>: the digits sit between the type byte and the CR.
    /// </summary>
    public static bool TryParseHeaderNumber(in SequenceReader<byte> reader, long crOffset, out long value)
    {
        var digitCount = crOffset - 1;
        if (digitCount is < 1 or > RespInteger.TextLengthMax)
        {
            value = 0;
            return false;
        }

        var span = reader.UnreadSpan;
        if (span.Length > crOffset)
        {
            return RespInteger.TryParse(span.Slice(1, (int)digitCount), out value);
        }

        // The header straddles segments: copy its few bytes out.
        Span<byte> header = stackalloc byte[RespInteger.TextLengthMax + 1];
        header = header[..(int)crOffset];
        reader.TryCopyTo(header);
        return RespInteger.TryParse(header[1..], out value);
    }
}
