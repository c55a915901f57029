using System.Text.Json;
using Chorus.Core.Versions;

namespace Chorus.Node.ChangeCapture;

/// <summary>Version information in change events: version vectors as <c>{"site": counter}</c>, dots as <c>"n1:3"</c>.</summary>
internal static class VersionsJson
{
    public static void Vector(Utf8JsonWriter json, string name, VersionVector vector)
    {
        json.WriteStartObject(name);
        foreach (var dot in vector.Entries)
        {
            json.WriteNumber(dot.Node.Value, dot.Counter);
        }
        json.WriteEndObject();
    }

    public static string Dot(Dot dot) => $"{dot.Node.Value}:{dot.Counter}";
}
