using System.Text;
using Chorus.Commands.Logical;
using Chorus.Commands.Values;

namespace Chorus.Server.Node;

/// <summary>Human-readable renderings of row changes for rollback files.</summary>
internal static class RollbackText
{
    /// <summary>One change as JSON-friendly fields: what happened to which key of which database, the new and the replaced value.</summary>
    public sealed record ChangeText(string Op, int Db, string Key, object? Value, object? Previous);

    public static ChangeText Describe(RowChange change) => change switch
    {
        PutChange put => new("put", put.Db, Text(put.Key), Value(put.After), put.Before is null ? null : Value(put.Before)),
        DeleteChange delete => new(delete.Reason == DeleteReason.Expired ? "expire" : "delete", delete.Db, Text(delete.Key), null, Value(delete.Before)),
        ExpireChange expire => new("expire-at", expire.Db, Text(expire.Key), expire.ExpiresAtMs, expire.PreviousExpiresAtMs),
        PatchChange patch => new("patch", patch.Db, Text(patch.Key), new { offset = patch.Offset, bytes = Text(patch.Bytes) }, new { replaced = Text(patch.Replaced), length = patch.LengthBefore, created = patch.Created }),
        HashChange hash => new("hash", hash.Db, Text(hash.Key), hash.Fields.Select(f => new[] { Text(f.Field), f.Value is null ? null : Text(f.Value) }).ToArray(), hash.Fields.Select(f => f.Previous is null ? null : Text(f.Previous)).ToArray()),
        SetChange set => new("set", set.Db, Text(set.Key), set.Members.Select(m => new { member = Text(m.Member), added = m.Added }).ToArray(), null),
        SortedSetChange sorted => new("zset", sorted.Db, Text(sorted.Key), sorted.Members.Select(m => new { member = Text(m.Member), score = m.Score }).ToArray(), sorted.Members.Select(m => m.Previous).ToArray()),
        ListChange list => new("list", list.Db, Text(list.Key), list.Edits.Select(e => new { edit = e.Kind.ToString(), index = e.Index, value = Text(e.Value) }).ToArray(), list.Edits.Select(e => e.Previous is null ? null : Text(e.Previous)).ToArray()),
        RenameChange rename => new("rename", rename.Db, Text(rename.Key), new { db = rename.TargetDb, key = Text(rename.Target) }, rename.TargetBefore is null ? null : Value(rename.TargetBefore)),
        CopyChange copy => new("copy", copy.Db, Text(copy.Key), new { db = copy.TargetDb, key = Text(copy.Target) }, copy.TargetBefore is null ? null : Value(copy.TargetBefore)),
        FlushDbChange flush => new("flushdb", flush.Db, "", null, null),
        FlushAllChange => new("flushall", 0, "", null, null),
        SwapDbChange swap => new("swapdb", swap.Db, "", swap.OtherDb, null),
        _ => new(change.GetType().Name, 0, "", null, null),
    };

    /// <summary>An image: a string's bytes, or a collection's type and size (the log never carries a collection's elements).</summary>
    private static object Value(byte[] image)
    {
        var value = KeyRecord.ParseImage(image);
        return value.Type == DataType.String
            ? new { type = "string", expiresAtUnixMs = value.ExpiresAtMs, data = (object)Text(value.Payload) }
            : new { type = DataTypes.Name(value.Type), expiresAtUnixMs = value.ExpiresAtMs, data = (object)new { elements = value.Count } };
    }

    /// <summary>UTF-8 text when the bytes are printable UTF-8, otherwise "base64:...".</summary>
    public static string Text(ReadOnlySpan<byte> bytes)
    {
        var utf8 = new UTF8Encoding(false, throwOnInvalidBytes: true);
        try
        {
            var text = utf8.GetString(bytes);
            if (!text.Any(c => char.IsControl(c) && c is not ('\n' or '\t' or '\r')))
            {
                return text;
            }
        }
        catch (DecoderFallbackException)
        {
            // not text: fall through to base64
        }
        return "base64:" + Convert.ToBase64String(bytes);
    }

    private static string Text(byte[] bytes) => Text((ReadOnlySpan<byte>)bytes);
}
