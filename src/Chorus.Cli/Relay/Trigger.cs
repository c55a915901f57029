using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Chorus.Commands.Data.Keys;

namespace Chorus.Cli.Relay;

/// <summary>
/// One trigger of a relay's trigger file (docs/relay.md): which keys (a glob pattern in one
/// database), which hash fields (keep, drop, rename), and where the rows go.
/// </summary>
internal sealed record Trigger(string Name, int Db, string Pattern, Projection Projection, TargetSpec Target)
{
    public bool Matches(int db, string key) =>
        db == Db && GlobPattern.IsMatch(Encoding.UTF8.GetBytes(Pattern), Encoding.UTF8.GetBytes(key));

    /// <summary>Reads a trigger file: <c>{"triggers":[...]}</c>; every mistake is named with the trigger it is in.</summary>
    public static List<Trigger> Load(string path)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllText(path));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            throw new TriggerError($"cannot read trigger file '{path}': {e.Message}");
        }
        using (document)
        {
            if (!document.RootElement.TryGetProperty("triggers", out var list) || list.ValueKind != JsonValueKind.Array || list.GetArrayLength() == 0)
            {
                throw new TriggerError($"trigger file '{path}' must be an object with a non-empty \"triggers\" array");
            }
            return [.. list.EnumerateArray().Select((t, i) => Parse(t, i))];
        }
    }

    private static Trigger Parse(JsonElement trigger, int index)
    {
        var name = Text(trigger, "name", $"trigger {index + 1}") ?? $"trigger-{index + 1}";
        var pattern = Text(trigger, "pattern", name) ?? throw new TriggerError($"{name}: \"pattern\" (a key glob such as \"user:*\") is required");
        if (pattern.Length == 0)
        {
            throw new TriggerError($"{name}: \"pattern\" must not be empty");
        }
        if (GlobPatternMistakes.Find(Encoding.UTF8.GetBytes(pattern)) is { } mistake)
        {
            throw new TriggerError($"{name}: pattern \"{pattern}\" {mistake}");
        }
        var db = trigger.TryGetProperty("db", out var d) ? (d.TryGetInt32(out var n) && n is >= 0 and < 16 ? n : throw new TriggerError($"{name}: \"db\" must be 0-15")) : 0;
        var projection = trigger.TryGetProperty("project", out var p) ? Projection.Parse(p, name) : Projection.All;
        if (!trigger.TryGetProperty("target", out var target) || target.ValueKind != JsonValueKind.Object)
        {
            throw new TriggerError($"{name}: \"target\" is required: {{\"kind\":\"postgres\",\"connection\":...,\"table\":...}}, {{\"kind\":\"redis\",\"endpoint\":\"host:port\"}} or {{\"kind\":\"chorus\",\"endpoint\":\"host:port\"}}");
        }
        return new Trigger(name, db, pattern, projection, TargetSpec.Parse(target, name));
    }

    internal static string? Text(JsonElement element, string property, string where) =>
        !element.TryGetProperty(property, out var value) ? null
        : value.ValueKind == JsonValueKind.String ? value.GetString()
        : throw new TriggerError($"{where}: \"{property}\" must be a string");
}

/// <summary>
/// Which hash fields a trigger carries, under which names, and how their values are transformed
/// on the way (strings carry one field, "value").
/// </summary>
internal sealed record Projection(IReadOnlySet<string>? Keep, IReadOnlySet<string> Drop, IReadOnlyDictionary<string, string> Rename)
{
    public static Projection All { get; } = new(null, new HashSet<string>(), new Dictionary<string, string>());

    /// <summary>Field (by its name at the source) → the transform its values go through.</summary>
    public IReadOnlyDictionary<string, ValueTransform> Transform { get; init; } = new Dictionary<string, ValueTransform>();

    /// <summary>The value the target gets for <paramref name="field"/> (named as at the source).</summary>
    public string Apply(string field, string value) => Transform.TryGetValue(field, out var transform) ? transform.Apply(value) : value;

    /// <summary>The field's name at the target, or null when the projection leaves it out.</summary>
    public string? Map(string field) =>
        (Keep is not null && !Keep.Contains(field)) || Drop.Contains(field) ? null : Rename.GetValueOrDefault(field, field);

    public static Projection Parse(JsonElement element, string where)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new TriggerError($"{where}: \"project\" must be an object with \"keep\", \"drop\", \"rename\" and/or \"transform\"");
        }
        var keep = element.TryGetProperty("keep", out var k) ? Names(k, where, "keep") : null;
        var drop = element.TryGetProperty("drop", out var d) ? Names(d, where, "drop") : [];
        var rename = new Dictionary<string, string>();
        if (element.TryGetProperty("rename", out var r))
        {
            if (r.ValueKind != JsonValueKind.Object)
            {
                throw new TriggerError($"{where}: \"rename\" must be an object of field → new name");
            }
            foreach (var pair in r.EnumerateObject())
            {
                rename[pair.Name] = pair.Value.ValueKind == JsonValueKind.String ? pair.Value.GetString()! : throw new TriggerError($"{where}: rename of \"{pair.Name}\" must be a string");
            }
        }
        var transform = new Dictionary<string, ValueTransform>();
        if (element.TryGetProperty("transform", out var t))
        {
            if (t.ValueKind != JsonValueKind.Object)
            {
                throw new TriggerError($"{where}: \"transform\" must be an object of field → transform ({ValueTransforms.Known})");
            }
            foreach (var pair in t.EnumerateObject())
            {
                transform[pair.Name] = pair.Value.ValueKind == JsonValueKind.String && ValueTransforms.TryParse(pair.Value.GetString()!, out var parsed)
                    ? parsed
                    : throw new TriggerError($"{where}: unknown transform {pair.Value.GetRawText()} for \"{pair.Name}\" (known: {ValueTransforms.Known})");
            }
        }
        return new Projection(keep, drop, rename) { Transform = transform };
    }

    private static HashSet<string> Names(JsonElement element, string where, string what) =>
        element.ValueKind == JsonValueKind.Array && element.EnumerateArray().All(e => e.ValueKind == JsonValueKind.String)
            ? [.. element.EnumerateArray().Select(e => e.GetString()!)]
            : throw new TriggerError($"{where}: \"{what}\" must be an array of field names");
}

public enum TargetKind
{
    Postgres,
    Redis,
    Chorus,
}

/// <summary>Where a trigger's rows go: a PostgreSQL table, or a Redis or Chorus server (by RESP).</summary>
internal sealed partial record TargetSpec(TargetKind Kind, string Endpoint, string? Table)
{
    public static TargetSpec Parse(JsonElement target, string where)
    {
        var kind = Trigger.Text(target, "kind", where);
        switch (kind)
        {
            case "postgres":
                var connection = Trigger.Text(target, "connection", where) ?? throw new TriggerError($"{where}: a postgres target needs \"connection\" (an Npgsql connection string)");
                var table = Trigger.Text(target, "table", where) ?? throw new TriggerError($"{where}: a postgres target needs \"table\"");
                if (!Identifier().IsMatch(table))
                {
                    throw new TriggerError($"{where}: table name '{table}' must be a plain identifier (letters, digits, _; not starting with a digit)");
                }
                return new TargetSpec(TargetKind.Postgres, connection, table);
            case "redis" or "chorus":
                var endpoint = Trigger.Text(target, "endpoint", where) ?? throw new TriggerError($"{where}: a {kind} target needs \"endpoint\" (host:port)");
                _ = Endpoints.Parse(endpoint, where);
                return new TargetSpec(kind == "redis" ? TargetKind.Redis : TargetKind.Chorus, endpoint, null);
            default:
                throw new TriggerError($"{where}: unknown target kind '{kind}' (postgres, redis or chorus)");
        }
    }

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]{0,62}$")]
    private static partial Regex Identifier();
}

/// <summary>A host:port list, comma-separated.</summary>
internal static class Endpoints
{
    public static List<(string Host, int Port)> Parse(string text, string where) =>
        [.. text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(e =>
        {
            var colon = e.LastIndexOf(':');
            return colon > 0 && int.TryParse(e[(colon + 1)..], out var port) && port is > 0 and < 65536
                ? (e[..colon], port)
                : throw new TriggerError($"{where}: '{e}' is not host:port");
        })];
}

/// <summary>A trigger file or option the relay cannot run with.</summary>
internal sealed class TriggerError(string message) : Exception(message);
