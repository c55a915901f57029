using System.Buffers;
using System.Text.Json;
using Chorus.Core.Log;
using Chorus.Core.Versions;

namespace Chorus.Node.ChangeCapture;

/// <summary>
/// Change events of a leaderless replica (docs/cdc.md, "Leaderless nodes"): each entry of its own
/// log holds whole key images — a key's versions as this replica now stores them — so each
/// event carries the key, what a plain read now shows (<c>after</c>, null when the newest version
/// is a deletion), and the versions themselves: the key's causal context and every sibling with
/// its dot and timestamp. Concurrent writes show as more than one sibling. There is no
/// before-image: the entry does not hold one (<c>"missing":"before-image"</c>).
/// </summary>
public static class VersionedChangeJson
{
    public static List<byte[]> Events(LogEntry entry)
    {
        var images = KeyImagesPayload.Decode(entry.Payload.Span);
        var events = new List<byte[]>(images.Count);
        for (var i = 0; i < images.Count; i++)
        {
            var output = new ArrayBufferWriter<byte>(160);
            using (var json = new Utf8JsonWriter(output))
            {
                json.WriteStartObject();
                ChangeJson.ChangeStart(json, entry, i);
                json.WriteNumber("db", 0);
                Write(json, images[i]);
                json.WriteString("missing", "before-image");
                json.WriteEndObject();
            }
            events.Add(output.WrittenSpan.ToArray());
        }
        return events;
    }

    private static void Write(Utf8JsonWriter json, KeyImage image)
    {
        ChangeJson.Bytes(json, "key", image.Key);
        if (image.VersionBlock.Length == 0)
        {
            // Every replica stored the deletion and its grace period passed: the tombstone is gone.
            json.WriteString("op", "collected");
            json.WriteNull("after");
            return;
        }
        json.WriteString("op", image.Body is null ? "del" : "set");
        if (image.Body is null)
        {
            json.WriteNull("after");
        }
        else
        {
            ChangeJson.Bytes(json, "after", image.Body);
        }
        var versions = KeyVersions.FromRecord(image.VersionBlock, image.Body ?? []);
        VersionsJson.Vector(json, "context", versions.Context);
        json.WriteStartArray("siblings");
        foreach (var sibling in versions.Siblings)
        {
            json.WriteStartObject();
            json.WriteString("dot", VersionsJson.Dot(sibling.Dot));
            json.WriteNumber("ts", sibling.Value.Timestamp.PhysicalMs);
            if (sibling.Value.Bytes is { } bytes)
            {
                ChangeJson.Bytes(json, "value", bytes);
            }
            else
            {
                json.WriteBoolean("deleted", true);
            }
            json.WriteEndObject();
        }
        json.WriteEndArray();
    }
}
