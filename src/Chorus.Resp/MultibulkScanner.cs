using System.Buffers;

namespace Chorus.Resp;

/// <summary>
/// Validates a whole multibulk request (<c>*N\r\n</c> then N <c>$len\r\ndata\r\n</c>) without
/// copying anything, following Redis's processMultibulkBuffer. Only a complete, valid request
/// is then copied, so an incomplete one costs no arena work and leaves nothing behind.
/// </summary>
internal static class MultibulkScanner
{
    /// <summary>
    /// Scans from the request's start (<paramref name="reader"/> is a copy). On
    /// <see cref="ParseStep.Command"/> the scan holds the request's shape; an empty request
    /// reports its length in <see cref="MultibulkScan.ValidatedBytes"/>.
    /// </summary>
    public static ParseStep Scan(SequenceReader<byte> reader, RespLimits limits, ref MultibulkScan scan, out string? error)
    {
        error = null;
        var start = reader.Position;
        if (scan.IsResumableAt(start))
        {
            if (reader.Remaining < scan.BytesNeeded)
            {
                return ParseStep.NeedMoreData;
            }

            reader.Advance(scan.ValidatedBytes);
        }
        else
        {
            scan = default;
            var header = ScanHeader(ref reader, limits, ref scan, out error);
            if (header != ParseStep.Command)
            {
                return header;
            }
        }

        var step = ScanArguments(ref reader, limits, ref scan, out error);
        if (step == ParseStep.NeedMoreData)
        {
            scan.Suspend(start, scan.BytesNeeded);
        }

        return step;
    }

    private static ParseStep ScanHeader(ref SequenceReader<byte> reader, RespLimits limits, ref MultibulkScan scan, out string? error)
    {
        error = null;
        var cr = RespLine.IndexOf(reader, (byte)'\r', limits.InlineLengthMax + 1L);
        if (cr < 0)
        {
            return TooLongOrWait(reader, limits, ProtocolErrors.TooBigMultibulkCount, out error);
        }

        if (!reader.TryPeek(cr + 1, out var lf))
        {
            return ParseStep.NeedMoreData;
        }

        if (lf != (byte)'\n' || !RespLine.TryParseHeaderNumber(reader, cr, out var count) || count > limits.ArgumentCountMax)
        {
            error = ProtocolErrors.InvalidMultibulkLength;
            return ParseStep.Invalid;
        }

        reader.Advance(cr + 2);
        scan.ValidatedBytes = cr + 2;
        if (count <= 0)
        {
            // Redis treats *0 and negative counts as an empty request and moves on.
            return ParseStep.Empty;
        }

        scan.ArgumentCount = (int)count;
        scan.ArgumentsLeft = (int)count;
        return ParseStep.Command;
    }

    private static ParseStep ScanArguments(ref SequenceReader<byte> reader, RespLimits limits, ref MultibulkScan scan, out string? error)
    {
        error = null;
        while (scan.ArgumentsLeft > 0)
        {
            var step = ScanArgument(ref reader, limits, ref scan, out error);
            if (step != ParseStep.Command)
            {
                return step;
            }
        }

        return ParseStep.Command;
    }

    /// <summary>Validates one <c>$len\r\ndata\r\n</c> and moves the scan past it.</summary>
    private static ParseStep ScanArgument(ref SequenceReader<byte> reader, RespLimits limits, ref MultibulkScan scan, out string? error)
    {
        error = null;
        var cr = RespLine.IndexOf(reader, (byte)'\r', limits.InlineLengthMax + 1L);
        if (cr < 0)
        {
            scan.BytesNeeded = scan.ValidatedBytes + reader.Remaining + 1;
            return TooLongOrWait(reader, limits, ProtocolErrors.TooBigBulkCount, out error);
        }

        if (!reader.TryPeek(cr + 1, out var lf))
        {
            scan.BytesNeeded = scan.ValidatedBytes + cr + 2;
            return ParseStep.NeedMoreData;
        }

        reader.TryPeek(out var type);
        if (type != (byte)'$')
        {
            error = ProtocolErrors.ExpectedDollar(type);
            return ParseStep.Invalid;
        }

        if (lf != (byte)'\n' || !RespLine.TryParseHeaderNumber(reader, cr, out var length) ||
            length < 0 || length > limits.BulkLengthMax)
        {
            error = ProtocolErrors.InvalidBulkLength;
            return ParseStep.Invalid;
        }

        if (scan.DataBytes + length > limits.RequestLengthMax)
        {
            error = ProtocolErrors.RequestTooBig;
            return ParseStep.Invalid;
        }

        return SkipData(ref reader, ref scan, cr + 2, length, out error);
    }

    private static ParseStep SkipData(ref SequenceReader<byte> reader, ref MultibulkScan scan, long headerBytes, long length, out string? error)
    {
        error = null;
        var frameBytes = headerBytes + length + 2;
        if (reader.Remaining < frameBytes)
        {
            scan.BytesNeeded = scan.ValidatedBytes + frameBytes;
            return ParseStep.NeedMoreData;
        }

        reader.Advance(headerBytes + length);
        if (!reader.IsNext("\r\n"u8, advancePast: true))
        {
            error = ProtocolErrors.BulkNotTerminated;
            return ParseStep.Invalid;
        }

        scan.ValidatedBytes += frameBytes;
        scan.DataBytes += length;
        scan.ArgumentsLeft--;
        return ParseStep.Command;
    }

    private static ParseStep TooLongOrWait(in SequenceReader<byte> reader, RespLimits limits, string tooLong, out string? error)
    {
        // Redis's rule: no line end yet and more than the inline limit buffered is an error.
        error = reader.Remaining > limits.InlineLengthMax ? tooLong : null;
        return error is null ? ParseStep.NeedMoreData : ParseStep.Invalid;
    }
}
