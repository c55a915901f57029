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
        if (entry.Kind == PayloadKind.Statement)
        {
            output.Write("statement ");
            output.Write(Chorus.Commands.Statements.StatementPayload.Decode(entry.Payload.Span).ToString());
            return;
        }
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
        else if (entry.Kind == PayloadKind.Physical)
        {
            WritePhysical(output, entry.Payload.Span);
            return;
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

    /// <summary>"physical: put k; delete k2": the keys whose records the entry wrote (storage bytes themselves are not readable).</summary>
    private static void WritePhysical(TextWriter output, ReadOnlySpan<byte> payload)
    {
        output.Write("physical");
        var separator = ": ";
        foreach (var write in Chorus.Commands.Physical.PhysicalKeys.Of(Chorus.Commands.Physical.PhysicalPayload.Decode(payload)))
        {
            output.Write(separator);
            separator = "; ";
            output.Write(write.Deleted ? "delete " : "put ");
            WriteBytes(output, write.Key);
        }
    }

    public static string Time(long unixMs) =>
        DateTimeOffset.FromUnixTimeMilliseconds(unixMs).UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture);

    private static void WriteChange(TextWriter output, RowChange change)
    {
        switch (change)
        {
            case PutChange put:
                Op(output, "put", put);
                output.Write(" = ");
                WriteImage(output, put.After);
                break;
            case DeleteChange delete:
                Op(output, delete.Reason == DeleteReason.Expired ? "expire" : "delete", delete);
                break;
            case ExpireChange expire:
                Op(output, "pexpireat", expire);
                output.Write(expire.ExpiresAtMs == 0 ? " (persist)" : string.Create(CultureInfo.InvariantCulture, $" {expire.ExpiresAtMs}"));
                break;
            case PatchChange patch:
                Op(output, "setrange", patch);
                output.Write(string.Create(CultureInfo.InvariantCulture, $" {patch.Offset} "));
                WriteBytes(output, patch.Bytes);
                break;
            case HashChange hash:
                WriteHash(output, hash);
                break;
            case SetChange set:
                WriteSet(output, set);
                break;
            case SortedSetChange sorted:
                WriteSortedSet(output, sorted);
                break;
            case ListChange list:
                WriteList(output, list);
                break;
            case StreamChange stream:
                WriteStream(output, stream);
                break;
            case RenameChange rename:
                WriteMove(output, "rename", rename, rename.TargetDb, rename.Target);
                break;
            case CopyChange copy:
                WriteMove(output, "copy", copy, copy.TargetDb, copy.Target);
                break;
            case VersionBlockChange block:
                Op(output, "versions", block);
                output.Write(string.Create(CultureInfo.InvariantCulture, $" ({block.Block.Length} bytes of site versions)"));
                break;
            case FlushDbChange flush:
                output.Write(string.Create(CultureInfo.InvariantCulture, $"flushdb {flush.Db}"));
                break;
            case FlushAllChange:
                output.Write("flushall");
                break;
            case SwapDbChange swap:
                output.Write(string.Create(CultureInfo.InvariantCulture, $"swapdb {swap.Db} {swap.OtherDb}"));
                break;
            case FunctionRecordChange function:
                output.Write(string.Create(CultureInfo.InvariantCulture, $"function record {(char)function.Key[0]} {Encoding.UTF8.GetString(function.Key.AsSpan(1))}: {(function.After is null ? "removed" : "set")}"));
                break;
            default:
                output.Write(change.GetType().Name);
                break;
        }
    }

    /// <summary>One line per stream: "xadd"/"xdel" of entry ids, and consumer-group items set or removed (by kind and stored name).</summary>
    private static void WriteStream(TextWriter output, StreamChange stream)
    {
        Op(output, "stream", stream);
        foreach (var item in stream.Items)
        {
            output.Write(' ');
            if (item.Kind == StreamItemKind.Entry)
            {
                output.Write(item.Value is null ? "xdel " : "xadd ");
                output.Write(Chorus.Commands.Values.StreamId.Read(item.Name).ToString());
                continue;
            }
            output.Write(item.Value is null ? "-" : "+");
            output.Write(item.Kind.ToString().ToLowerInvariant());
            output.Write(':');
            WriteBytes(output, item.Name);
        }
    }

    private static void WriteHash(TextWriter output, HashChange hash)
    {
        foreach (var (op, fields) in Runs(hash.Fields, f => f.Value is null ? "hdel" : "hset"))
        {
            Op(output, op, hash);
            foreach (var field in fields)
            {
                output.Write(' ');
                WriteBytes(output, field.Field);
                if (field.Value is { } value)
                {
                    output.Write('=');
                    WriteBytes(output, value);
                }
            }
        }
    }

    private static void WriteSet(TextWriter output, SetChange set)
    {
        foreach (var (op, members) in Runs(set.Members, m => m.Added ? "sadd" : "srem"))
        {
            Op(output, op, set);
            foreach (var member in members)
            {
                output.Write(' ');
                WriteBytes(output, member.Member);
            }
        }
    }

    private static void WriteSortedSet(TextWriter output, SortedSetChange sorted)
    {
        foreach (var (op, members) in Runs(sorted.Members, m => m.Score is null ? "zrem" : "zadd"))
        {
            Op(output, op, sorted);
            foreach (var member in members)
            {
                if (member.Score is { } score)
                {
                    output.Write(' ');
                    output.Write(score.ToString("R", CultureInfo.InvariantCulture));
                }
                output.Write(' ');
                WriteBytes(output, member.Member);
            }
        }
    }

    private static void WriteList(TextWriter output, ListChange list)
    {
        var first = true;
        foreach (var edit in list.Edits)
        {
            output.Write(first ? "" : "; ");
            first = false;
            Op(output, edit.Kind switch
            {
                ListEditKind.PushLeft => "lpush",
                ListEditKind.PushRight => "rpush",
                ListEditKind.PopLeft => "lpop",
                ListEditKind.PopRight => "rpop",
                ListEditKind.Set => "lset",
                ListEditKind.Insert => "linsert",
                _ => "lremove",
            }, list);
            if (edit.Kind is ListEditKind.Set or ListEditKind.Insert or ListEditKind.Remove)
            {
                output.Write(string.Create(CultureInfo.InvariantCulture, $" {edit.Index}"));
            }
            output.Write(' ');
            WriteBytes(output, edit.Value);
        }
    }

    private static void WriteMove(TextWriter output, string op, KeyChange change, int targetDb, byte[] target)
    {
        Op(output, op, change);
        output.Write(targetDb == change.Db ? " " : string.Create(CultureInfo.InvariantCulture, $" (to db {targetDb}) "));
        WriteBytes(output, target);
    }

    /// <summary>Consecutive items that print under the same command (an HSET's fields, then an HDEL's).</summary>
    private static IEnumerable<(string Op, List<T> Items)> Runs<T>(IReadOnlyList<T> items, Func<T, string> opOf)
    {
        var i = 0;
        while (i < items.Count)
        {
            var op = opOf(items[i]);
            var run = new List<T>();
            while (i < items.Count && opOf(items[i]) == op)
            {
                run.Add(items[i++]);
            }
            yield return (op, run);
        }
    }

    /// <summary>The command and its key, with the database when it is not 0: <c>hset (db 3) k f=v</c>.</summary>
    private static void Op(TextWriter output, string op, KeyChange change)
    {
        output.Write(op);
        output.Write(' ');
        if (change.Db != 0)
        {
            output.Write(string.Create(CultureInfo.InvariantCulture, $"(db {change.Db}) "));
        }
        WriteBytes(output, change.Key);
    }

    /// <summary>An image: a string's bytes, or a collection's type and size (the log never carries a collection's elements).</summary>
    private static void WriteImage(TextWriter output, byte[] image)
    {
        var value = KeyRecord.ParseImage(image);
        if (value.Type == DataType.String)
        {
            WriteBytes(output, value.Payload);
        }
        else
        {
            output.Write(string.Create(CultureInfo.InvariantCulture, $"{DataTypes.Name(value.Type)} of {value.Count} elements"));
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
