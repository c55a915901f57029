using Chorus.Commands.Values;
using Chorus.Storage;

namespace Chorus.Commands.Keyspace;

/// <summary>
/// Deletes garbage whose log entries were retired (so no rollback can need it), a bounded amount
/// per call: the oldest tags first. A collection's elements go by point deletes when it is small
/// and by one range delete otherwise; a physical database by walking its records (dropping each
/// collection's elements) and then deleting its ranges.
/// </summary>
internal static class GarbageCollector
{
    /// <summary>Elements, records or entries deleted one by one per call, at most.</summary>
    public const int WorkPerCallMax = 4096;

    /// <summary>Collections this small lose their elements by point deletes, not a range tombstone.</summary>
    private const long PointDeleteCountMax = 32;

    /// <summary>Collects up to the budget; true if garbage due at <paramref name="retiredThrough"/> remains.</summary>
    public static bool Collect(IStorageEngine storage, IStorageBatch batch, ulong retiredThrough)
    {
        var work = 0;
        using var tags = storage.NewIterator(StorageColumn.Data);
        for (tags.Seek(GarbageIndex.TagStart); tags.Valid && GarbageIndex.IsTagKey(tags.Key); tags.Next())
        {
            if (GarbageIndex.TagOf(tags.Key) > retiredThrough)
            {
                return false;
            }
            if (work >= WorkPerCallMax)
            {
                return true;
            }
            var entry = GarbageIndex.ReadTagValue(tags.Value);
            var finished = entry.Kind == GarbageIndex.Kind.Collection
                ? DropElements(storage, batch, entry.Id, entry.Count, ref work)
                : DropDatabase(storage, batch, (uint)entry.Id, ref work);
            if (!finished)
            {
                return true;
            }
            batch.Delete(StorageColumn.Data, entry.OwnerKey);
            batch.Delete(StorageColumn.Data, tags.Key);
            work++;
        }
        return false;
    }

    private static bool DropElements(IStorageEngine storage, IStorageBatch batch, ulong id, long count, ref int work)
    {
        if (count > PointDeleteCountMax)
        {
            batch.DeleteRange(StorageColumn.Elements, ElementKey.CollectionStart(id), ElementKey.CollectionEnd(id));
            work++;
            return true;
        }
        using var elements = new StorageElementCursor(storage, id);
        for (elements.SeekToFirst(); elements.Valid; elements.Next())
        {
            batch.Delete(StorageColumn.Elements, [.. ElementKey.CollectionStart(id), .. elements.SubKey]);
            work++;
        }
        return true;
    }

    /// <summary>Walks a garbage database's records; true once all are gone and its ranges deleted.</summary>
    private static bool DropDatabase(IStorageEngine storage, IStorageBatch batch, uint physical, ref int work)
    {
        using var records = storage.NewIterator(StorageColumn.Data);
        var end = PhysicalDb.End(physical);
        for (records.Seek(PhysicalDb.Start(physical)); records.Valid && records.Key.SequenceCompareTo(end) < 0; records.Next())
        {
            if (work >= WorkPerCallMax)
            {
                return false;
            }
            var record = KeyRecord.Parse(records.Value);
            if (record.IsCollection)
            {
                DropElements(storage, batch, record.CollectionId, record.Count, ref work);
            }
            batch.Delete(StorageColumn.Data, records.Key);
            work++;
        }
        batch.DeleteRange(StorageColumn.Data, PhysicalDb.Start(physical), end);
        batch.DeleteRange(StorageColumn.Expiry, PhysicalDb.Start(physical), end);
        return true;
    }
}
