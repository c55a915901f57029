using System.Buffers;

namespace Chorus.Resp;

/// <summary>
/// Inline requests (<c>PING\r\n</c>, <c>SET k "v v"\n</c>), as typed into telnet, following
/// Redis's processInlineBuffer: a bare LF ends a line too, and a blank line is skipped.
/// </summary>
internal static class InlineParser
{
    public static ParseStep TryParse(ref SequenceReader<byte> reader, RequestBatch batch, RespLimits limits, out string? error)
    {
        error = null;
        // A line end found past the limit is refused too, so the outcome does not depend on
        // how the bytes were split into reads.
        var lf = RespLine.IndexOf(reader, (byte)'\n', limits.InlineLengthMax + 1L);
        if (lf < 0)
        {
            if (reader.Remaining <= limits.InlineLengthMax)
            {
                return ParseStep.NeedMoreData;
            }

            error = ProtocolErrors.TooBigInline;
            return ParseStep.Invalid;
        }

        var length = (int)lf;
        if (length > 0 && reader.TryPeek(length - 1, out var last) && last == (byte)'\r')
        {
            length--;
        }

        return Tokenize(ref reader, batch, length, (int)lf + 1, out error);
    }

    private static ParseStep Tokenize(ref SequenceReader<byte> reader, RequestBatch batch, int length, int lineBytes, out string? error)
    {
        error = null;
        // The line is copied to the arena's free tail and unescaped in place there, so words
        // land where they will live and a line split across segments needs no extra buffer.
        var argumentMark = batch.ArgumentMark;
        var lineOffset = batch.ArenaLength;
        var line = batch.ArenaTail(length);
        reader.TryCopyTo(line);
        var used = InlineTokenizer.Split(line, lineOffset, batch);
        if (used < 0)
        {
            batch.Rollback(argumentMark, lineOffset);
            error = ProtocolErrors.UnbalancedQuotes;
            return ParseStep.Invalid;
        }

        reader.Advance(lineBytes);
        batch.SetArenaLength(lineOffset + used);
        if (batch.ArgumentMark == argumentMark)
        {
            return ParseStep.Empty;
        }

        batch.CommitCommand(argumentMark);
        return ParseStep.Command;
    }
}
