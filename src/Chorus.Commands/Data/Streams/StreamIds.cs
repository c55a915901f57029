using Chorus.Commands.Values;

namespace Chorus.Commands.Data.Streams;

/// <summary>Redis's stream id parsers (streamGenericParseIDOrReply and friends).</summary>
internal static class StreamIds
{
    /// <summary>An id, or <c>-</c> (0-0) and <c>+</c> (the maximum); a missing sequence is <paramref name="missingSeq"/>.</summary>
    public static bool TryParse(ReadOnlySpan<byte> text, ulong missingSeq, out StreamId id)
    {
        if (text.SequenceEqual("-"u8))
        {
            id = StreamId.Zero;
            return true;
        }
        if (text.SequenceEqual("+"u8))
        {
            id = StreamId.Max;
            return true;
        }
        return StreamId.TryParse(text, missingSeq, out id);
    }

    /// <summary>An id that is not <c>-</c> or <c>+</c>.</summary>
    public static bool TryParseStrict(ReadOnlySpan<byte> text, ulong missingSeq, out StreamId id) => StreamId.TryParse(text, missingSeq, out id);

    /// <summary>
    /// A range bound: <c>(id</c> is exclusive (and strict), anything else as <see cref="TryParse"/>.
    /// </summary>
    public static bool TryParseInterval(ReadOnlySpan<byte> text, ulong missingSeq, out StreamId id, out bool exclusive)
    {
        exclusive = text.Length > 1 && text[0] == (byte)'(';
        return exclusive ? TryParseStrict(text[1..], missingSeq, out id) : TryParse(text, missingSeq, out id);
    }
}
