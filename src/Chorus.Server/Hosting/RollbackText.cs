using System.Text;
using Chorus.Commands.Logical;
using Chorus.Commands.Values;

namespace Chorus.Server.Hosting;

/// <summary>Human-readable renderings of row changes for rollback files.</summary>
internal static class RollbackText
{
    /// <summary>One change as JSON-friendly fields: what happened to which key, the new and the replaced value.</summary>
    public sealed record ChangeText(string Op, string Key, object? Value, object? Previous);

    public static ChangeText Describe(RowChange change) => change switch
    {
        PutChange put => new("put", Text(put.Key), Value(put.After), put.Before is null ? null : Value(put.Before)),
        DeleteChange delete => new(delete.Reason == DeleteReason.Expired ? "expire" : "delete", Text(delete.Key), null, Value(delete.Before)),
        HashSetChange hset => new("hset", Text(hset.Key), hset.Fields.Select(f => new[] { Text(f.Field), Text(f.Value) }).ToArray(), hset.Fields.Select(f => f.Previous is null ? null : Text(f.Previous)).ToArray()),
        HashDeleteChange hdel => new("hdel", Text(hdel.Key), hdel.Fields.Select(f => Text(f.Field)).ToArray(), hdel.Fields.Select(f => f.Previous is null ? null : Text(f.Previous)).ToArray()),
        SetAddChange sadd => new("sadd", Text(sadd.Key), sadd.Members.Select(Text).ToArray(), null),
        SetRemoveChange srem => new("srem", Text(srem.Key), srem.Members.Select(Text).ToArray(), null),
        ExpireChange expire => new("expire", Text(expire.Key), expire.ExpiresAtMs, expire.PreviousExpiresAtMs),
        FlushAllChange => new("flushall", "", null, null),
        _ => new(change.GetType().Name, Text(change.Key), null, null),
    };

    private static object Value(byte[] encoded)
    {
        var value = StoredValue.Parse(encoded);
        return value.Type switch
        {
            DataType.String => new { type = "string", expiresAtUnixMs = value.ExpiresAtMs, data = (object)Text(value.Payload) },
            DataType.Hash => new { type = "hash", expiresAtUnixMs = value.ExpiresAtMs, data = (object)HashFields(value.Payload) },
            _ => new { type = "set", expiresAtUnixMs = value.ExpiresAtMs, data = (object)SetMembers(value.Payload) },
        };
    }

    private static Dictionary<string, string> HashFields(ReadOnlySpan<byte> payload)
    {
        var fields = new Dictionary<string, string>();
        foreach (var pair in HashValue.Enumerate(payload))
        {
            fields[Text(pair.Field)] = Text(pair.Value);
        }
        return fields;
    }

    private static List<string> SetMembers(ReadOnlySpan<byte> payload)
    {
        var members = new List<string>();
        foreach (var member in SetValue.Enumerate(payload))
        {
            members.Add(Text(member));
        }
        return members;
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
