using Chorus.Commands.Keyspace;
using Chorus.Commands.Values;
using Chorus.Core;

namespace Chorus.Commands.Logical;

/// <summary>
/// Applies and undoes stream changes. Unlike the other collections a stream may be empty (XDEL of
/// its last entry, XTRIM MAXLEN 0, XGROUP CREATE ... MKSTREAM), so only undoing the change that
/// created it removes the key. Each item is one element under <c>u8 kind | name</c>
/// (<see cref="ElementKey.Stream"/>); entries count towards the record's count.
/// </summary>
internal static class StreamItems
{
    public static void Apply(StagedKeyspace keyspace, StreamChange change)
    {
        var physical = keyspace.Physical(change.Db);
        var current = keyspace.Get(physical, change.Key);
        byte[] record;
        if (change.Before is null)
        {
            Invariant.That(current is null, "a change creates a stream only where no key is");
            record = Records.FromImage(Records.NewCollectionImage(DataType.Stream), 0, keyspace.NewCollectionId());
        }
        else
        {
            record = RowChangeApplier.Existing(keyspace, physical, change.Key);
        }
        var parsed = KeyRecord.Parse(record);
        Invariant.That(parsed.Type == DataType.Stream, "a stream change applies to a stream");
        var count = SetItems(keyspace, parsed.CollectionId, parsed.Count, change.Items, undo: false);
        keyspace.Put(physical, change.Key, Records.WithStream(record, count, change.Meta), current);
    }

    public static void Undo(StagedKeyspace keyspace, StreamChange change)
    {
        var physical = keyspace.Physical(change.Db);
        var current = RowChangeApplier.Existing(keyspace, physical, change.Key);
        var parsed = KeyRecord.Parse(current);
        Invariant.That(parsed.Type == DataType.Stream, "a stream change applies to a stream");
        var count = SetItems(keyspace, parsed.CollectionId, parsed.Count, change.Items, undo: true);
        if (change.Before is null)
        {
            Invariant.That(count == 0, "undoing the change that created a stream empties it");
            keyspace.Delete(physical, change.Key, current, emptied: true);
            return;
        }
        keyspace.Put(physical, change.Key, Records.WithStream(current, count, KeyRecord.ParseImage(change.Before).StreamTail), current);
    }

    private static long SetItems(StagedKeyspace keyspace, ulong id, long count, IReadOnlyList<StreamItem> items, bool undo)
    {
        for (var n = 0; n < items.Count; n++)
        {
            var item = items[undo ? items.Count - 1 - n : n];
            var (from, to) = undo ? (item.Value, item.Previous) : (item.Previous, item.Value);
            keyspace.SetElement(ElementKey.Stream(id, item.Kind, item.Name), to);
            if (item.Kind == StreamItemKind.Entry)
            {
                count += (to is null ? 0 : 1) - (from is null ? 0 : 1);
            }
        }
        Invariant.That(count >= 0, "a stream's entry count never goes below zero");
        return count;
    }
}
