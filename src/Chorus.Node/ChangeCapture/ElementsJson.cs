using System.Text.Json;
using Chorus.Commands.Logical;

namespace Chorus.Node.ChangeCapture;

/// <summary>
/// A collection's element changes as JSON: each hash field with its new value (null: removed) and
/// the one it replaced, set members added or removed, sorted-set scores, list edits in order,
/// stream entries added or removed (<c>fields</c>: field, value, field, value…).
/// Element-level before and after images are exact; the collection's own before-image is its type
/// and count (<c>"beforeType"</c>, <c>"beforeCount"</c>), null when the change created it.
/// </summary>
internal static class ElementsJson
{
    public static void Write(Utf8JsonWriter json, ElementsChange change)
    {
        switch (change)
        {
            case HashChange hash:
                Elements(json, "hash", hash.Before, "fields", hash.Fields, static (json, field) =>
                {
                    ChangeJson.Bytes(json, "field", field.Field);
                    Optional(json, "after", field.Value);
                    Optional(json, "before", field.Previous);
                });
                break;
            case SetChange set:
                Elements(json, "set-members", set.Before, "members", set.Members, static (json, member) =>
                {
                    ChangeJson.Bytes(json, "member", member.Member);
                    json.WriteBoolean("added", member.Added);
                });
                break;
            case SortedSetChange sorted:
                Elements(json, "zset-members", sorted.Before, "members", sorted.Members, static (json, member) =>
                {
                    ChangeJson.Bytes(json, "member", member.Member);
                    Score(json, "score", member.Score);
                    Score(json, "previous", member.Previous);
                });
                break;
            case ListChange list:
                Elements(json, "list-edits", list.Before, "edits", list.Edits, static (json, edit) =>
                {
                    json.WriteString("kind", edit.Kind.ToString());
                    json.WriteNumber("index", edit.Index);
                    ChangeJson.Bytes(json, "value", edit.Value);
                    Optional(json, "previous", edit.Previous);
                });
                break;
            case StreamChange stream:
                Elements(json, "stream-entries", stream.Before, "entries", stream.Items, static (json, item) =>
                {
                    if (item.Kind != StreamItemKind.Entry)
                    {
                        // Consumer-group state: the item's kind and its stored name and value, as bytes.
                        json.WriteString("kind", item.Kind.ToString());
                        ChangeJson.Bytes(json, "name", item.Name);
                        Optional(json, "value", item.Value);
                        Optional(json, "previous", item.Previous);
                        return;
                    }
                    json.WriteString("id", Chorus.Commands.Values.StreamId.Read(item.Name).ToString());
                    json.WriteBoolean("added", item.Value is not null);
                    json.WriteStartArray("fields");
                    foreach (var part in Chorus.Commands.Values.StreamFields.Decode(item.Value ?? item.Previous))
                    {
                        if (System.Text.Unicode.Utf8.IsValid(part))
                        {
                            json.WriteStringValue(part);
                        }
                        else
                        {
                            json.WriteBase64StringValue(part); // binary: base64, as "…64" fields are elsewhere
                        }
                    }
                    json.WriteEndArray();
                });
                break;
        }
    }

    /// <summary>The shape every collection change shares: its op, the collection's before-image, and one object per element.</summary>
    private static void Elements<T>(Utf8JsonWriter json, string op, byte[]? before, string name, IEnumerable<T> items, Action<Utf8JsonWriter, T> item)
    {
        json.WriteString("op", op);
        ChangeJson.Image(json, "before", before);
        json.WriteStartArray(name);
        foreach (var element in items)
        {
            json.WriteStartObject();
            item(json, element);
            json.WriteEndObject();
        }
        json.WriteEndArray();
    }

    private static void Optional(Utf8JsonWriter json, string name, byte[]? value)
    {
        if (value is null)
        {
            json.WriteNull(name);
        }
        else
        {
            ChangeJson.Bytes(json, name, value);
        }
    }

    private static void Score(Utf8JsonWriter json, string name, double? score)
    {
        if (score is { } value && double.IsFinite(value))
        {
            json.WriteNumber(name, value);
        }
        else if (score is { } infinite)
        {
            json.WriteString(name, double.IsPositiveInfinity(infinite) ? "inf" : "-inf");
        }
        else
        {
            json.WriteNull(name);
        }
    }
}
