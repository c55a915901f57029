using System.Text.Json;

namespace Chorus.Cli.Relay;

/// <summary>
/// What one change event asks of a target, after a trigger's projection: upsert a row (a string
/// is the row {"value": ...}; a hash change sets and removes fields), or delete it. Every op
/// carries the change's position, so a target can refuse to go back in time (LSN guard).
/// </summary>
internal abstract record RowOp(string Key, ulong Lsn, int Index);

/// <summary>The row is <paramref name="Fields"/> (whole) or gains them (patch), minus <paramref name="Removed"/>.</summary>
internal sealed record UpsertOp(string Key, ulong Lsn, int Index, IReadOnlyDictionary<string, string> Fields, IReadOnlyList<string> Removed, bool Whole) : RowOp(Key, Lsn, Index);

internal sealed record DeleteOp(string Key, ulong Lsn, int Index) : RowOp(Key, Lsn, Index);

/// <summary>Turns CDC change events into row ops for one trigger.</summary>
internal static class RowOps
{
    /// <summary>
    /// The op for <paramref name="change"/> under <paramref name="trigger"/>: null when the key is
    /// not the trigger's, or the projection leaves nothing of it. <paramref name="unsupported"/>
    /// is set for a change of the trigger's keys the relay does not carry (docs/relay.md).
    /// </summary>
    public static RowOp? For(Trigger trigger, JsonElement change, out string? unsupported)
    {
        unsupported = null;
        var op = change.GetProperty("op").GetString();
        if (!change.TryGetProperty("key", out var keyElement) || !change.TryGetProperty("db", out var db))
        {
            unsupported = op; // flushdb, flushall, swapdb: no key to filter by
            return null;
        }
        var key = keyElement.GetString()!;
        if (!trigger.Matches(db.GetInt32(), key))
        {
            return null;
        }
        var lsn = change.GetProperty("lsn").GetUInt64();
        var index = change.GetProperty("index").GetInt32();
        switch (op)
        {
            case "set" when change.GetProperty("afterType").GetString() == "string" && change.TryGetProperty("after", out var after):
                return Project(trigger, new UpsertOp(key, lsn, index, new Dictionary<string, string> { ["value"] = after.GetString()! }, [], Whole: true));
            case "del" or "expired":
                return new DeleteOp(key, lsn, index);
            case "hash":
                return Hash(trigger, change, key, lsn, index);
            default:
                unsupported = op;
                return null;
        }
    }

    private static RowOp? Hash(Trigger trigger, JsonElement change, string key, ulong lsn, int index)
    {
        var set = new Dictionary<string, string>();
        var removed = new List<string>();
        var count = change.TryGetProperty("beforeCount", out var before) ? before.GetInt64() : 0;
        foreach (var field in change.GetProperty("fields").EnumerateArray())
        {
            var name = field.GetProperty("field").GetString()!;
            var value = field.GetProperty("after");
            var had = field.GetProperty("before").ValueKind != JsonValueKind.Null;
            if (value.ValueKind == JsonValueKind.Null)
            {
                removed.Add(name);
                count -= had ? 1 : 0;
            }
            else
            {
                set[name] = value.GetString()!;
                count += had ? 0 : 1;
            }
        }
        // Removing a hash's last field removes the key.
        return count == 0 ? new DeleteOp(key, lsn, index) : Project(trigger, new UpsertOp(key, lsn, index, set, removed, Whole: false));
    }

    private static UpsertOp? Project(Trigger trigger, UpsertOp op)
    {
        var fields = new Dictionary<string, string>();
        foreach (var (name, value) in op.Fields)
        {
            if (trigger.Projection.Map(name) is { } mapped)
            {
                fields[mapped] = value;
            }
        }
        var removed = op.Removed.Select(trigger.Projection.Map).OfType<string>().ToList();
        return fields.Count == 0 && removed.Count == 0 && !op.Whole ? null : op with { Fields = fields, Removed = removed };
    }
}
