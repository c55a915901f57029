using System.Globalization;
using System.Text;
using Chorus.Commands.Logical;
using Chorus.Commands.Values;
using Chorus.Core;
using Chorus.Core.Log;
using Chorus.Core.Sites;

namespace Chorus.Server.Hosting;

/// <summary>
/// Renders discarded entries for people (`chorus rollbacks --show`), one line per entry:
/// <c>LSN 12 (epoch 1, 2026-11-24 12:40:25.112): put k = v; expire k at 1700000000000</c>.
/// Keys and values print as text when they are printable UTF-8, else as "base64:…", whole and
/// written in chunks, so a value of any size round-trips without being held as one string.
/// </summary>
public static class RollbackText
{
    private const int ChunkBytes = 3 * 16 * 1024;

    public static void WriteEntry(TextWriter output, LogEntry entry)
    {
        output.Write(string.Create(CultureInfo.InvariantCulture, $"LSN {entry.Lsn} (epoch {entry.Epoch}, {Time(entry.Timestamp.PhysicalMs)}): "));
        ReadOnlySpan<byte> logical;
        if (entry.Kind == PayloadKind.MultiLeader)
        {
            // A site change: its origin and number, then this site's data changes for it.
            var site = SiteEntry.Decode(entry.Payload);
            output.Write(string.Create(CultureInfo.InvariantCulture, $"site change {site.Header.Dot}: "));
            logical = site.Local.Span;
        }
        else if (entry.Kind == PayloadKind.Logical)
        {
            logical = entry.Payload.Span;
        }
        else
        {
            output.Write(entry.Kind.ToString().ToLowerInvariant());
            return;
        }
        var first = true;
        foreach (var change in LogicalPayload.Decode(logical))
        {
            output.Write(first ? "" : "; ");
            first = false;
            WriteChange(output, change);
        }
    }

    public static string Time(long unixMs) =>
        DateTimeOffset.FromUnixTimeMilliseconds(unixMs).UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture);

    private static void WriteChange(TextWriter output, RowChange change)
    {
        switch (change)
        {
            case PutChange put:
                Op(output, "put", put.Key);
                output.Write(" = ");
                WriteValue(output, put.After);
                break;
            case DeleteChange delete:
                Op(output, delete.Reason == DeleteReason.Expired ? "expire" : "delete", delete.Key);
                break;
            case HashSetChange hset:
                Op(output, "hset", hset.Key);
                foreach (var field in hset.Fields)
                {
                    output.Write(' ');
                    WriteBytes(output, field.Field);
                    output.Write('=');
                    WriteBytes(output, field.Value);
                }
                break;
            case HashDeleteChange hdel:
                Op(output, "hdel", hdel.Key);
                WriteList(output, hdel.Fields.Select(f => f.Field));
                break;
            case SetAddChange sadd:
                Op(output, "sadd", sadd.Key);
                WriteList(output, sadd.Members);
                break;
            case SetRemoveChange srem:
                Op(output, "srem", srem.Key);
                WriteList(output, srem.Members);
                break;
            case ExpireChange expire:
                Op(output, "pexpireat", expire.Key);
                output.Write(expire.ExpiresAtMs == 0 ? " (persist)" : string.Create(CultureInfo.InvariantCulture, $" {expire.ExpiresAtMs}"));
                break;
            case FlushAllChange:
                output.Write("flushall");
                break;
            default:
                Op(output, change.GetType().Name, change.Key);
                break;
        }
    }

    private static void Op(TextWriter output, string op, byte[] key)
    {
        output.Write(op);
        output.Write(' ');
        WriteBytes(output, key);
    }

    private static void WriteList(TextWriter output, IEnumerable<byte[]> items)
    {
        foreach (var item in items)
        {
            output.Write(' ');
            WriteBytes(output, item);
        }
    }

    private static void WriteValue(TextWriter output, byte[] encoded)
    {
        var value = StoredValue.Parse(encoded);
        switch (value.Type)
        {
            case DataType.String:
                WriteBytes(output, value.Payload);
                break;
            case DataType.Hash:
                output.Write("hash");
                foreach (var pair in HashValue.Enumerate(value.Payload))
                {
                    output.Write(' ');
                    WriteBytes(output, pair.Field);
                    output.Write('=');
                    WriteBytes(output, pair.Value);
                }
                break;
            default:
                output.Write("set");
                foreach (var member in SetValue.Enumerate(value.Payload))
                {
                    output.Write(' ');
                    WriteBytes(output, member);
                }
                break;
        }
        if (value.HasExpiry)
        {
            output.Write(string.Create(CultureInfo.InvariantCulture, $" (expires at {value.ExpiresAtMs})"));
        }
    }

    /// <summary>The bytes as text when they are printable UTF-8, otherwise "base64:" and their base64.</summary>
    public static void WriteBytes(TextWriter output, ReadOnlySpan<byte> bytes)
    {
        var chars = new char[Math.Max(Encoding.UTF8.GetMaxCharCount(ChunkBytes), ChunkBytes / 3 * 4)];
        if (IsPrintable(bytes))
        {
            var decoder = Encoding.UTF8.GetDecoder();
            for (var offset = 0; offset < bytes.Length; offset += ChunkBytes)
            {
                var chunk = bytes.Slice(offset, Math.Min(ChunkBytes, bytes.Length - offset));
                var count = decoder.GetChars(chunk, chars, flush: offset + chunk.Length == bytes.Length);
                output.Write(chars, 0, count);
            }
            return;
        }
        output.Write("base64:");
        for (var offset = 0; offset < bytes.Length; offset += ChunkBytes)
        {
            var chunk = bytes.Slice(offset, Math.Min(ChunkBytes, bytes.Length - offset));
            var converted = Convert.TryToBase64Chars(chunk, chars, out var count);
            Invariant.That(converted, "a chunk's base64 fits the buffer");
            output.Write(chars, 0, count);
        }
    }

    /// <summary>Valid UTF-8 without control characters (C0 but tab — line breaks too, so an entry stays one line —, DEL, C1), and no "base64:" lookalike.</summary>
    private static bool IsPrintable(ReadOnlySpan<byte> bytes)
    {
        if (!System.Text.Unicode.Utf8.IsValid(bytes) || bytes.StartsWith("base64:"u8))
        {
            return false;
        }
        for (var i = 0; i < bytes.Length; i++)
        {
            var b = bytes[i];
            if ((b < 0x20 && b != (byte)'\t') || b == 0x7F || (b == 0xC2 && i + 1 < bytes.Length && bytes[i + 1] is >= 0x80 and <= 0x9F))
            {
                return false;
            }
        }
        return true;
    }
}
