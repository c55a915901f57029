using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Chorus.Commands.Logical;
using Chorus.Commands.Values;
using Chorus.Core.Log;
using Chorus.Core.Sites;

namespace Chorus.Node.ChangeCapture;

/// <summary>
/// Writes one committed change as a line of JSON (docs/cdc.md, "Events"): where it sits (LSN,
/// epoch, its index in the entry, the leader's timestamp), which key of which database, the
/// operation, and the before and after images the log holds. What the log does not hold is said,
/// never guessed: a collection's image is its header and count, not its elements, so a deleted
/// hash names <c>"missing":"before-elements"</c>.
/// <para>
/// Keys and values are binary strings: valid UTF-8 is written as a JSON string, anything else as
/// base64 under the same name with a <c>64</c> suffix (<c>"key64"</c>, <c>"after64"</c>).
/// </para>
/// </summary>
public static class ChangeJson
{
    /// <summary>
    /// A physical (WAL shipping) entry: storage bytes, with no row images to describe. One event
    /// says so, with its position, so a consumer sees the gap in its data and can tell why.
    /// </summary>
    public static byte[] Physical(LogEntry entry)
    {
        var output = new ArrayBufferWriter<byte>(128);
        using (var json = new Utf8JsonWriter(output))
        {
            json.WriteStartObject();
            json.WriteString("type", "physical");
            json.WriteNumber("lsn", entry.Lsn.Value);
            json.WriteNumber("epoch", entry.Epoch.Value);
            json.WriteNumber("ts", entry.Timestamp.PhysicalMs);
            json.WriteString("note", "a physical (WAL shipping) entry carries storage bytes, not rows; use the logical or statement format for change data capture");
            json.WriteEndObject();
        }
        return output.WrittenSpan.ToArray();
    }

    /// <summary>
    /// One JSON object per change of <paramref name="entry"/>, in order (none for an entry that
    /// changes no data). A multi-leader site's entry names the change it came from
    /// (<paramref name="origin"/>): its site, its number there, its timestamp at that site and the
    /// changes it depends on (docs/cdc.md, "Multi-leader sites").
    /// </summary>
    public static List<byte[]> Events(LogEntry entry, IReadOnlyList<RowChange> changes, ChangeHeader? origin = null)
    {
        var events = new List<byte[]>(changes.Count);
        for (var i = 0; i < changes.Count; i++)
        {
            if (changes[i] is VersionBlockChange or FunctionRecordChange)
            {
                continue; // multi-leader bookkeeping, function libraries (FUNCTION LOAD): not data changes
            }
            var output = new ArrayBufferWriter<byte>(128);
            using (var json = new Utf8JsonWriter(output))
            {
                json.WriteStartObject();
                ChangeStart(json, entry, i);
                if (origin is not null)
                {
                    Origin(json, origin);
                }
                Write(json, changes[i]);
                json.WriteEndObject();
            }
            events.Add(output.WrittenSpan.ToArray());
        }
        return events;
    }

    /// <summary>What every change event starts with: its type, where it sits in the log and when the entry was written.</summary>
    internal static void ChangeStart(Utf8JsonWriter json, LogEntry entry, int index)
    {
        json.WriteString("type", "change");
        json.WriteNumber("lsn", entry.Lsn.Value);
        json.WriteNumber("epoch", entry.Epoch.Value);
        json.WriteNumber("index", index);
        json.WriteNumber("ts", entry.Timestamp.PhysicalMs);
    }

    private static void Origin(Utf8JsonWriter json, ChangeHeader origin)
    {
        json.WriteString("origin", origin.Origin.Value);
        json.WriteNumber("seq", origin.Seq);
        json.WriteNumber("originTs", origin.Timestamp.PhysicalMs);
        VersionsJson.Vector(json, "deps", origin.Deps);
    }

    /// <summary>The rollback event (docs/cdc.md, "Rollbacks"): forget what was delivered after <paramref name="afterLsn"/>.</summary>
    public static byte[] Rollback(ulong afterLsn, ulong afterEpoch, ulong epochNow, ulong consumerLsn, ulong consumerEpoch) =>
        Object(json =>
        {
            json.WriteString("type", "rollback");
            json.WriteNumber("afterLsn", afterLsn);
            json.WriteNumber("afterEpoch", afterEpoch);
            json.WriteNumber("epoch", epochNow);
            json.WriteString("reason", string.Create(CultureInfo.InvariantCulture,
                $"the entry at LSN {consumerLsn} you read in epoch {consumerEpoch} is not in this node's committed history (power loss with fsync everysec/no): everything you applied after LSN {afterLsn} is rolled back"));
        });

    /// <summary>Where a consumer stands after a batch: resume from <paramref name="next"/> (the entry before it is in <paramref name="epoch"/>).</summary>
    public static byte[] Position(ulong next, ulong epoch, ulong committed) =>
        Object(json =>
        {
            json.WriteString("type", "position");
            json.WriteNumber("next", next);
            json.WriteNumber("epoch", epoch);
            json.WriteNumber("committed", committed);
        });

    private static byte[] Object(Action<Utf8JsonWriter> body)
    {
        var output = new ArrayBufferWriter<byte>(96);
        using (var json = new Utf8JsonWriter(output))
        {
            json.WriteStartObject();
            body(json);
            json.WriteEndObject();
        }
        return output.WrittenSpan.ToArray();
    }

    private static void Write(Utf8JsonWriter json, RowChange change)
    {
        switch (change)
        {
            case KeyChange key:
                json.WriteNumber("db", key.Db);
                Bytes(json, "key", key.Key);
                WriteKeyChange(json, key);
                break;
            case FlushDbChange flush:
                json.WriteNumber("db", flush.Db);
                json.WriteString("op", "flushdb");
                break;
            case FlushAllChange:
                json.WriteString("op", "flushall");
                break;
            case SwapDbChange swap:
                json.WriteNumber("db", swap.Db);
                json.WriteString("op", "swapdb");
                json.WriteNumber("otherDb", swap.OtherDb);
                break;
        }
    }

    private static void WriteKeyChange(Utf8JsonWriter json, KeyChange change)
    {
        switch (change)
        {
            case PutChange put:
                json.WriteString("op", "set");
                Image(json, "after", put.After);
                Image(json, "before", put.Before);
                break;
            case DeleteChange delete:
                json.WriteString("op", delete.Reason == DeleteReason.Expired ? "expired" : "del");
                Image(json, "before", delete.Before);
                break;
            case ExpireChange expire:
                json.WriteString("op", "expire");
                json.WriteNumber("expiresAtMs", expire.ExpiresAtMs);
                json.WriteNumber("previousExpiresAtMs", expire.PreviousExpiresAtMs);
                break;
            case PatchChange patch:
                // APPEND/SETRANGE/SETBIT: the log holds the bytes written, not the whole string.
                json.WriteString("op", "patch");
                json.WriteNumber("offset", patch.Offset);
                Bytes(json, "bytes", patch.Bytes);
                Bytes(json, "replaced", patch.Replaced);
                json.WriteNumber("lengthBefore", patch.LengthBefore);
                json.WriteBoolean("created", patch.Created);
                json.WriteString("missing", "after-image");
                break;
            case ElementsChange elements:
                ElementsJson.Write(json, elements);
                break;
            case RenameChange rename:
                Move(json, "rename", rename.TargetDb, rename.Target, rename.Image, rename.TargetBefore);
                break;
            case CopyChange copy:
                Move(json, "copy", copy.TargetDb, copy.Target, copy.Image, copy.TargetBefore);
                break;
        }
    }

    private static void Move(Utf8JsonWriter json, string op, int targetDb, byte[] target, byte[] image, byte[]? targetBefore)
    {
        json.WriteString("op", op);
        json.WriteNumber("targetDb", targetDb);
        Bytes(json, "target", target);
        Image(json, "after", image);
        Image(json, "targetBefore", targetBefore);
    }

    /// <summary>
    /// A key image: a string's value, type and expiry; a collection's type and count (its
    /// elements are not in the log: <c>"&lt;name&gt;Elements":"not-in-log"</c>).
    /// </summary>
    internal static void Image(Utf8JsonWriter json, string name, byte[]? image)
    {
        if (image is null)
        {
            json.WriteNull(name);
            return;
        }
        var record = KeyRecord.ParseImage(image);
        json.WriteString(name + "Type", DataTypes.Name(record.Type));
        if (record.HasExpiry)
        {
            json.WriteNumber(name + "ExpiresAtMs", record.ExpiresAtMs);
        }
        if (record.IsCollection)
        {
            json.WriteNumber(name + "Count", record.Count);
            json.WriteString(name + "Elements", "not-in-log");
            return;
        }
        Bytes(json, name, record.Payload);
    }

    /// <summary>A binary string: as text when it is valid UTF-8, else base64 under <paramref name="name"/>64.</summary>
    internal static void Bytes(Utf8JsonWriter json, string name, ReadOnlySpan<byte> value)
    {
        if (System.Text.Unicode.Utf8.IsValid(value))
        {
            json.WriteString(name, value);
            return;
        }
        json.WriteBase64String(name + "64", value);
    }
}
