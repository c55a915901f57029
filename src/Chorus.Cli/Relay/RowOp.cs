using System.Text.Json;

namespace Chorus.Cli.Relay;

/// <summary>
/// What one change event asks of a target, after a trigger's projection: upsert a row (a string
/// is the row {"value": ...}; a hash change sets and removes fields; a set's fields are its
/// members, a sorted set's its members with their scores), delete it, or — for Redis and Chorus
/// targets only — patch a string's bytes or set a key's expiry. Every op carries the change's
/// position, so a target can refuse to go back in time (LSN guard).
/// </summary>
internal abstract record RowOp(string Key, ulong Lsn, int Index);

/// <summary>What a row holds, which decides the commands a Redis target gets and the JSON a PostgreSQL row holds.</summary>
internal enum RowShape
{
    /// <summary>A string: one field, "value".</summary>
    String,

    /// <summary>A hash: its fields.</summary>
    Hash,

    /// <summary>A set: its members (the field values are empty).</summary>
    Set,

    /// <summary>A sorted set: its members, each with its score as Redis writes it ("1.5", "inf").</summary>
    SortedSet,
}

/// <summary>The row is <paramref name="Fields"/> (whole) or gains them (patch), minus <paramref name="Removed"/>.</summary>
internal sealed record UpsertOp(string Key, ulong Lsn, int Index, IReadOnlyDictionary<string, string> Fields, IReadOnlyList<string> Removed, bool Whole) : RowOp(Key, Lsn, Index)
{
    public RowShape Shape { get; init; } = Whole ? RowShape.String : RowShape.Hash;
}

internal sealed record DeleteOp(string Key, ulong Lsn, int Index) : RowOp(Key, Lsn, Index);

/// <summary>APPEND, SETRANGE, SETBIT, BITFIELD: <paramref name="Bytes"/> written at <paramref name="Offset"/> of the string (SETRANGE does the same at the target).</summary>
internal sealed record PatchOp(string Key, ulong Lsn, int Index, long Offset, byte[] Bytes) : RowOp(Key, Lsn, Index);

/// <summary>EXPIRE, PERSIST…: the key expires at <paramref name="ExpiresAtMs"/> (Unix ms; 0: never).</summary>
internal sealed record ExpireOp(string Key, ulong Lsn, int Index, long ExpiresAtMs) : RowOp(Key, Lsn, Index);

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
            case "set-members":
                return Members(change, key, lsn, index, RowShape.Set);
            case "zset-members":
                return Members(change, key, lsn, index, RowShape.SortedSet);
            // PostgreSQL rows have no expiry, and a patch holds the bytes written, not the value.
            case "expire" when trigger.Target.Kind != TargetKind.Postgres:
                return new ExpireOp(key, lsn, index, change.GetProperty("expiresAtMs").GetInt64());
            case "patch" when trigger.Target.Kind != TargetKind.Postgres:
                return new PatchOp(key, lsn, index, change.GetProperty("offset").GetInt64(), PatchBytes(change));
            default:
                unsupported = op;
                return null;
        }
    }

    private static RowOp? Hash(Trigger trigger, JsonElement change, string key, ulong lsn, int index)
    {
        var edits = new ElementEdits(change);
        foreach (var field in change.GetProperty("fields").EnumerateArray())
        {
            var name = field.GetProperty("field").GetString()!;
            var value = field.GetProperty("after");
            var had = field.GetProperty("before").ValueKind != JsonValueKind.Null;
            if (value.ValueKind == JsonValueKind.Null)
            {
                edits.Remove(name, had);
            }
            else
            {
                edits.Put(name, value.GetString()!, had);
            }
        }
        // Removing a hash's last field removes the key.
        return edits.Count == 0 ? new DeleteOp(key, lsn, index) : Project(trigger, new UpsertOp(key, lsn, index, edits.Fields, edits.Removed, Whole: false));
    }

    /// <summary>
    /// A set's or sorted set's members added and removed. Projections (field names) do not apply
    /// to members. Removing the last member removes the key, as in Redis.
    /// </summary>
    private static RowOp Members(JsonElement change, string key, ulong lsn, int index, RowShape shape)
    {
        var edits = new ElementEdits(change);
        foreach (var member in change.GetProperty("members").EnumerateArray())
        {
            var name = member.GetProperty("member").GetString()!;
            if (shape == RowShape.Set)
            {
                // A set change lists only members it really added (new) or removed (present).
                var added = member.GetProperty("added").GetBoolean();
                if (added)
                {
                    edits.Put(name, "", had: false);
                }
                else
                {
                    edits.Remove(name, had: true);
                }
                continue;
            }
            var score = member.GetProperty("score");
            var had = member.GetProperty("previous").ValueKind != JsonValueKind.Null;
            if (score.ValueKind == JsonValueKind.Null)
            {
                edits.Remove(name, had);
            }
            else
            {
                edits.Put(name, score.ValueKind == JsonValueKind.String ? score.GetString()! : score.GetDouble().ToString("R", System.Globalization.CultureInfo.InvariantCulture), had);
            }
        }
        return edits.Count <= 0 ? new DeleteOp(key, lsn, index) : new UpsertOp(key, lsn, index, edits.Fields, edits.Removed, Whole: false) { Shape = shape };
    }

    /// <summary>A collection change's elements gathered into an upsert's fields and removals, counting what the key holds after them.</summary>
    private sealed class ElementEdits(JsonElement change)
    {
        public Dictionary<string, string> Fields { get; } = [];

        public List<string> Removed { get; } = [];

        public long Count { get; private set; } = change.TryGetProperty("beforeCount", out var before) ? before.GetInt64() : 0;

        public void Put(string name, string value, bool had)
        {
            Fields[name] = value;
            Count += had ? 0 : 1;
        }

        public void Remove(string name, bool had)
        {
            Removed.Add(name);
            Count -= had ? 1 : 0;
        }
    }

    private static byte[] PatchBytes(JsonElement change) =>
        change.TryGetProperty("bytes", out var text) ? System.Text.Encoding.UTF8.GetBytes(text.GetString()!) : change.GetProperty("bytes64").GetBytesFromBase64();

    private static UpsertOp? Project(Trigger trigger, UpsertOp op)
    {
        var fields = new Dictionary<string, string>();
        foreach (var (name, value) in op.Fields)
        {
            if (trigger.Projection.Map(name) is { } mapped)
            {
                fields[mapped] = trigger.Projection.Apply(name, value);
            }
        }
        var removed = op.Removed.Select(trigger.Projection.Map).OfType<string>().ToList();
        return fields.Count == 0 && removed.Count == 0 && !op.Whole ? null : op with { Fields = fields, Removed = removed };
    }
}
