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

    public static byte[] Encode(IReadOnlyList<LogEntry> entries)
    {
        var buffer = new ArrayBufferWriter<byte>();
        foreach (var entry in entries)
        {
            Append(buffer, entry.Encoded.Span);
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Decodes every entry; the entries alias <paramref name="batch"/>.</summary>
    public static List<LogEntry> Decode(ReadOnlyMemory<byte> batch)
    {
        var entries = new List<LogEntry>();
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
