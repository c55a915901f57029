using System.Text.Json;
using Chorus.Commands.Logical;

namespace Chorus.Node.ChangeCapture;

/// <summary>
/// A collection's element changes as JSON: each hash field with its new value (null: removed) and
/// the one it replaced, set members added or removed, sorted-set scores, list edits in order.
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
                json.WriteString("op", "hash");
                ChangeJson.Image(json, "before", hash.Before);
                json.WriteStartArray("fields");
                foreach (var field in hash.Fields)
                {
                    json.WriteStartObject();
                    ChangeJson.Bytes(json, "field", field.Field);
                    Optional(json, "after", field.Value);
                    Optional(json, "before", field.Previous);
                    json.WriteEndObject();
                }
                json.WriteEndArray();
                break;
            case SetChange set:
                json.WriteString("op", "set-members");
                ChangeJson.Image(json, "before", set.Before);
                json.WriteStartArray("members");
                foreach (var member in set.Members)
                {
                    json.WriteStartObject();
                    ChangeJson.Bytes(json, "member", member.Member);
                    json.WriteBoolean("added", member.Added);
                    json.WriteEndObject();
                }
                json.WriteEndArray();
                break;
            case SortedSetChange sorted:
                json.WriteString("op", "zset-members");
                ChangeJson.Image(json, "before", sorted.Before);
                json.WriteStartArray("members");
                foreach (var member in sorted.Members)
                {
                    json.WriteStartObject();
                    ChangeJson.Bytes(json, "member", member.Member);
                    Score(json, "score", member.Score);
                    Score(json, "previous", member.Previous);
                    json.WriteEndObject();
                }
                json.WriteEndArray();
                break;
            case ListChange list:
                json.WriteString("op", "list-edits");
                ChangeJson.Image(json, "before", list.Before);
                json.WriteStartArray("edits");
                foreach (var edit in list.Edits)
                {
                    json.WriteStartObject();
                    json.WriteString("kind", edit.Kind.ToString());
                    json.WriteNumber("index", edit.Index);
                    ChangeJson.Bytes(json, "value", edit.Value);
                    Optional(json, "previous", edit.Previous);
                    json.WriteEndObject();
                }
                json.WriteEndArray();
                break;
        }
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
