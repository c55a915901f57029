using Chorus.Commands.Keyspace.Migration;
using Chorus.Commands.Values;
using Chorus.Core.Encoding;

namespace Chorus.Commands.Logical;

/// <summary>
/// Logical payloads of format 1 (written before storage format 2), decoded into the format-2
/// changes that do the same on database 0, so a format-2 node can apply and undo a format-1
/// leader's entries and the entries in a migrated directory's log:
/// <list type="bullet">
/// <item>a whole-value Put of a string becomes a Put; of a hash or set, a Delete of what it replaced,
/// a change that creates the collection with every element, and its expiry;</item>
/// <item>field and member changes become Hash and Set changes (format 1 never emptied a collection
/// through them, so their "before" image is only a marker that the collection exists);</item>
/// <item>Delete, Expire and FlushAll map one to one.</item>
/// </list>
/// </summary>
internal static class FormatOnePayload
{
    public const byte Version = 1;

    private enum Op : byte
    {
        Put = 1,
        Delete = 2,
        HashSet = 3,
        HashDelete = 4,
        SetAdd = 5,
        SetRemove = 6,
        Expire = 7,
        FlushAll = 8,
    }

    /// <summary>Decodes what follows the version byte.</summary>
    public static List<RowChange> Decode(ref ByteReader reader)
    {
        var count = reader.ReadLength();
        var changes = new List<RowChange>(count);
        for (var i = 0; i < count; i++)
        {
            Read(ref reader, changes);
        }
        if (!reader.IsEnd)
        {
            throw new CorruptDataException("trailing bytes after logical payload");
        }
        return changes;
    }

    private static void Read(ref ByteReader reader, List<RowChange> changes)
    {
        var op = (Op)reader.ReadByte();
        var key = reader.ReadLengthPrefixed().ToArray();
        switch (op)
        {
            case Op.Put:
                var after = FormatOneValue.Parse(reader.ReadLengthPrefixed());
                var before = LogicalPayload.ReadOptional(ref reader) is { } old ? FormatOneValue.Parse(old) : null;
                AddPut(changes, key, after, before);
                break;
            case Op.Delete:
                var deleted = FormatOneValue.Parse(reader.ReadLengthPrefixed());
                changes.Add(new DeleteChange(0, key, deleted.Image(), LogicalPayload.ReadReason(ref reader)));
                break;
            case Op.HashSet or Op.HashDelete:
                var fields = new FieldChange[reader.ReadLength()];
                for (var i = 0; i < fields.Length; i++)
                {
                    var field = reader.ReadLengthPrefixed().ToArray();
                    var value = reader.ReadLengthPrefixed().ToArray();
                    fields[i] = new FieldChange(field, op == Op.HashSet ? value : null, LogicalPayload.ReadOptional(ref reader));
                }
                changes.Add(new HashChange(0, key, Records.NewCollectionImage(DataType.Hash), fields));
                break;
            case Op.SetAdd or Op.SetRemove:
                var members = new MemberChange[reader.ReadLength()];
                for (var i = 0; i < members.Length; i++)
                {
                    members[i] = new MemberChange(reader.ReadLengthPrefixed().ToArray(), op == Op.SetAdd);
                }
                changes.Add(new SetChange(0, key, Records.NewCollectionImage(DataType.Set), members));
                break;
            case Op.Expire:
                changes.Add(new ExpireChange(0, key, (long)reader.ReadVarUInt(), (long)reader.ReadVarUInt()));
                break;
            case Op.FlushAll:
                changes.Add(new FlushAllChange());
                break;
            default:
                throw new CorruptDataException($"unknown format-1 row change op {(byte)op}");
        }
    }

    private static void AddPut(List<RowChange> changes, byte[] key, FormatOneValue after, FormatOneValue? before)
    {
        if (after.Type == DataType.String)
        {
            changes.Add(new PutChange(0, key, after.Image(), before?.Image()));
            return;
        }
        if (before is not null)
        {
            changes.Add(new DeleteChange(0, key, before.Image(), DeleteReason.Command));
        }
        changes.Add(after.Type == DataType.Hash
            ? new HashChange(0, key, null, [.. after.Elements.Select(e => new FieldChange(e.Name, e.Value, null))])
            : new SetChange(0, key, null, [.. after.Elements.Select(e => new MemberChange(e.Name, true))]));
        if (after.ExpiresAtMs != 0)
        {
            changes.Add(new ExpireChange(0, key, after.ExpiresAtMs, 0));
        }
    }
}
