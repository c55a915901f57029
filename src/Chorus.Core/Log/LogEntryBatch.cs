using System.Buffers;
using Chorus.Core.Encoding;

namespace Chorus.Core.Log;

/// <summary>
/// Many encoded entries framed into one buffer (varint length, entry bytes, repeated), so one
/// network message carries a whole batch. One message per entry tops out near 70k messages/s.
/// </summary>
public static class LogEntryBatch
{
    public static void Append(IBufferWriter<byte> output, ReadOnlySpan<byte> encodedEntry) =>
        new ByteWriter(output).WriteLengthPrefixed(encodedEntry);

    /// <summary>
    /// The batch in one exactly sized array: a growing buffer would copy large entries several
    /// times and leave a large-object-heap array behind for every batch.
    /// </summary>
    public static byte[] Encode(IReadOnlyList<LogEntry> entries)
    {
        var total = 0;
        foreach (var entry in entries)
        {
            total += VarInt.Length((ulong)entry.Encoded.Length) + entry.Encoded.Length;
        }
        var batch = new byte[total];
        var offset = 0;
        foreach (var entry in entries)
        {
            offset += VarInt.Write(batch.AsSpan(offset), (ulong)entry.Encoded.Length);
            entry.Encoded.Span.CopyTo(batch.AsSpan(offset));
            offset += entry.Encoded.Length;
        }
        return batch;
    }

    /// <summary>The fewest bytes an encoded entry takes (version, epoch, lsn, hlc, origin and payload lengths, kind).</summary>
    private const int EntryBytesMin = 1 + 1 + 1 + 8 + 1 + 1 + 1;

    /// <summary>
    /// Decodes every entry; the entries alias <paramref name="batch"/>. <paramref name="expectedCount"/>
    /// (the sender's count, when known) sizes the list once instead of growing it; it is only a
    /// hint, capped by what the bytes can hold, so a wrong or hostile count costs nothing.
    /// </summary>
    public static List<LogEntry> Decode(ReadOnlyMemory<byte> batch, int expectedCount = 0)
    {
        var entries = new List<LogEntry>(Math.Clamp(expectedCount, 0, batch.Length / (EntryBytesMin + 1)));
        var offset = 0;
        while (offset < batch.Length)
        {
            var span = batch.Span[offset..];
            if (!VarInt.TryRead(span, out var length, out var consumed) || length > (ulong)(span.Length - consumed))
            {
                throw new CorruptDataException("truncated entry in batch");
            }
            entries.Add(LogEntryCodec.Decode(batch.Slice(offset + consumed, (int)length)));
            offset += consumed + (int)length;
        }
        return entries;
    }
}
