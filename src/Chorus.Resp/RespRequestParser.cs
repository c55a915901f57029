using System.Buffers;

namespace Chorus.Resp;

/// <summary>
/// Parses client requests: RESP multibulk arrays of bulk strings, or inline lines. The pipe
/// loop owns <c>AdvanceTo</c>: it passes a reader over what it has buffered and consumes up
/// to the reader's position afterwards.
/// </summary>
public static class RespRequestParser
{
    /// <summary>
    /// Parses one request and appends its command to <paramref name="batch"/>.
    /// </summary>
    /// <returns>
    /// <see cref="OperationStatus.Done"/>: one command was appended and the reader moved past it.
    /// <see cref="OperationStatus.NeedMoreData"/>: nothing was appended; call again with the same
    /// unconsumed bytes plus more. Empty requests (<c>*0</c>, <c>*-1</c>, blank lines) carry no
    /// command, so they are consumed and skipped here, and the reader may have moved past them;
    /// the bytes of the incomplete request are never consumed.
    /// <see cref="OperationStatus.InvalidData"/>: <paramref name="protocolError"/> holds Redis's
    /// text (reply with "ERR " before it, then close the connection, as Redis does).
    /// </returns>
    public static OperationStatus TryParse(ref SequenceReader<byte> reader, RequestBatch batch, RespLimits limits, out string? protocolError)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(limits);
        protocolError = null;
        while (reader.TryPeek(out var first))
        {
            var step = first == (byte)'*'
                ? TryParseMultibulk(ref reader, batch, limits, out protocolError)
                : InlineParser.TryParse(ref reader, batch, limits, out protocolError);
            switch (step)
            {
                case ParseStep.Command:
                    return OperationStatus.Done;
                case ParseStep.NeedMoreData:
                    return OperationStatus.NeedMoreData;
                case ParseStep.Invalid:
                    return OperationStatus.InvalidData;
            }
        }

        return OperationStatus.NeedMoreData;
    }

    private static ParseStep TryParseMultibulk(ref SequenceReader<byte> reader, RequestBatch batch, RespLimits limits, out string? error)
    {
        ref var scan = ref batch.PendingScan;
        var step = MultibulkScanner.Scan(reader, limits, ref scan, out error);
        if (step == ParseStep.Command)
        {
            MultibulkCopier.Copy(ref reader, batch, limits, scan);
        }
        else if (step == ParseStep.Empty)
        {
            reader.Advance(scan.ValidatedBytes);
        }

        if (step != ParseStep.NeedMoreData)
        {
            scan = default;
        }

        return step;
    }
}
