using System.Buffers;

namespace Chorus.Resp;

/// <summary>
/// Copies a multibulk request that <see cref="MultibulkScanner"/> has validated into the batch.
/// Nothing here can fail: every header was checked, so lines are re-found, not re-judged.
/// </summary>
internal static class MultibulkCopier
{
    public static void Copy(ref SequenceReader<byte> reader, RequestBatch batch, RespLimits limits, in MultibulkScan scan)
    {
        // One reservation for the whole request: no arena growth in the middle of copying.
        batch.Reserve(scan.DataBytes, scan.ArgumentCount);
        var first = batch.ArgumentMark;
        var lineWindow = limits.InlineLengthMax + 1L;
        reader.Advance(RespLine.IndexOf(reader, (byte)'\r', lineWindow) + 2);
        for (var i = 0; i < scan.ArgumentCount; i++)
        {
            var cr = RespLine.IndexOf(reader, (byte)'\r', lineWindow);
            RespLine.TryParseHeaderNumber(reader, cr, out var length);
            reader.Advance(cr + 2);
            reader.TryCopyTo(batch.AppendArgument((int)length));
            reader.Advance(length + 2);
        }

        batch.CommitCommand(first);
    }
}
