using Chorus.Core;
using Chorus.Storage;

namespace Chorus.Commands.Keyspace;

/// <summary>
/// What a group of writes did to whole collections and physical databases, settled at flush time
/// (docs/storage-layout.md, "Garbage"):
/// <list type="bullet">
/// <item>one removed by an applied change becomes garbage under its owner (key or logical database),
/// its elements or records kept until no rollback can need them;</item>
/// <item>one removed by an undo is dropped at once (nothing can bring it back);</item>
/// <item>one an undo brings back is revived: its newest garbage entry goes, its contents were never gone.</item>
/// </list>
/// A collection that moves (RENAME) vanishes from one record and appears in another within the
/// group: only its last fate counts.
/// </summary>
internal sealed class GarbageLedger(IStorageEngine storage)
{
    private readonly Dictionary<ulong, Fate> _collections = [];
    private readonly Dictionary<uint, Fate> _databases = [];
    private readonly List<(byte[] OwnerKey, byte[] TagKey)> _revivedStored = [];

    private enum Outcome
    {
        Live,
        Garbage,
        Drop,
        Gone,
    }

    /// <summary>A collection's or database's fate; <see cref="OwnerPrefix"/> and the rest only for garbage.</summary>
    private sealed record Fate(Outcome Outcome, byte[]? OwnerPrefix = null, ulong Seq = 0, byte[]? Record = null, uint Physical = 0, long Count = 0);

    public bool IsEmpty => _collections.Count == 0 && _databases.Count == 0 && _revivedStored.Count == 0;

    public bool HasRevivals => _revivedStored.Count > 0;

    /// <summary>
    /// The collection of <paramref name="record"/> left the record of (<paramref name="db"/>,
    /// <paramref name="key"/>). <paramref name="emptied"/>: its change removed every element itself.
    /// </summary>
    public void CollectionVanished(uint db, ReadOnlySpan<byte> key, byte[] record, long count, ulong id, bool undoing, bool emptied, KeyspaceCatalog catalog)
    {
        _collections[id] = emptied ? new Fate(Outcome.Gone)
            : undoing ? new Fate(Outcome.Drop)
            : new Fate(Outcome.Garbage, GarbageIndex.CollectionOwnerPrefix(db, key), catalog.TakeGarbageSeq(), record, Count: count);
    }

    public void CollectionAppeared(ulong id) => _collections[id] = new Fate(Outcome.Live);

    /// <summary>A logical database now maps to a fresh physical one; the old one is garbage.</summary>
    public void DatabaseReplaced(int logicalDb, uint old, KeyspaceCatalog catalog) =>
        _databases[old] = new Fate(Outcome.Garbage, GarbageIndex.DatabaseOwnerPrefix(logicalDb), catalog.TakeGarbageSeq(), Physical: old);

    public void DatabaseDropped(uint physical) => _databases[physical] = new Fate(Outcome.Drop);

    /// <summary>
    /// The record of the newest garbage collection owned by (<paramref name="db"/>, <paramref name="key"/>),
    /// which comes back to life (an undo restoring what a change removed).
    /// </summary>
    public byte[] ReviveCollection(uint db, ReadOnlySpan<byte> key)
    {
        var prefix = GarbageIndex.CollectionOwnerPrefix(db, key);
        var staged = NewestStaged(_collections, prefix);
        if (staged is { } found)
        {
            _collections[found.Id] = new Fate(Outcome.Live);
            return found.Fate.Record!;
        }
        var value = ReviveStored(prefix);
        Invariant.That(value is not null, "an undone removal finds the collection it removed among the garbage");
        return GarbageIndex.OwnerValueRecord(value).ToArray();
    }

    /// <summary>The physical database logical <paramref name="logicalDb"/> had before its newest FLUSHDB; it comes back.</summary>
    public uint ReviveDatabase(int logicalDb)
    {
        var prefix = GarbageIndex.DatabaseOwnerPrefix(logicalDb);
        var staged = NewestStaged(_databases, prefix);
        if (staged is { } found)
        {
            _databases[found.Id] = new Fate(Outcome.Live);
            return found.Id;
        }
        var value = ReviveStored(prefix);
        Invariant.That(value is not null, "an undone FLUSHDB finds the database it replaced among the garbage");
        var physical = GarbageIndex.OwnerValuePhysical(value);
        _databases[physical] = new Fate(Outcome.Live);
        return physical;
    }

    public void FlushTo(IStorageBatch batch, ulong tag)
    {
        foreach (var (id, fate) in _collections)
        {
            switch (fate.Outcome)
            {
                case Outcome.Garbage:
                    Register(batch, fate, GarbageIndex.Kind.Collection, id, tag, GarbageIndex.CollectionOwnerValue(tag, fate.Record!));
                    break;
                case Outcome.Drop:
                    batch.DeleteRange(StorageColumn.Elements, ElementKey.CollectionStart(id), ElementKey.CollectionEnd(id));
                    break;
            }
        }
        foreach (var (physical, fate) in _databases)
        {
            switch (fate.Outcome)
            {
                case Outcome.Garbage:
                    Register(batch, fate, GarbageIndex.Kind.Database, physical, tag, GarbageIndex.DatabaseOwnerValue(tag, physical));
                    break;
                case Outcome.Drop:
                    batch.DeleteRange(StorageColumn.Data, PhysicalDb.Start(physical), PhysicalDb.End(physical));
                    batch.DeleteRange(StorageColumn.Expiry, PhysicalDb.Start(physical), PhysicalDb.End(physical));
                    break;
            }
        }
        foreach (var (ownerKey, tagKey) in _revivedStored)
        {
            batch.Delete(StorageColumn.Data, ownerKey);
            batch.Delete(StorageColumn.Data, tagKey);
        }
    }

    public void Clear()
    {
        _collections.Clear();
        _databases.Clear();
        _revivedStored.Clear();
    }

    private static void Register(IStorageBatch batch, Fate fate, GarbageIndex.Kind kind, ulong id, ulong tag, byte[] ownerValue)
    {
        var ownerKey = GarbageIndex.OwnerKey(fate.OwnerPrefix!, fate.Seq);
        batch.Put(StorageColumn.Data, ownerKey, ownerValue);
        batch.Put(StorageColumn.Data, GarbageIndex.TagKey(tag, fate.Seq), GarbageIndex.TagValue(ownerKey, kind, id, fate.Count));
    }

    private static (TId Id, Fate Fate)? NewestStaged<TId>(Dictionary<TId, Fate> fates, byte[] ownerPrefix)
        where TId : struct
    {
        (TId Id, Fate Fate)? newest = null;
        foreach (var (id, fate) in fates)
        {
            if (fate.Outcome == Outcome.Garbage && fate.OwnerPrefix.AsSpan().SequenceEqual(ownerPrefix) && (newest is null || fate.Seq > newest.Value.Fate.Seq))
            {
                newest = (id, fate);
            }
        }
        return newest;
    }

    /// <summary>The newest stored owner entry under <paramref name="prefix"/> not yet revived in this group; scheduled for deletion.</summary>
    private byte[]? ReviveStored(byte[] prefix)
    {
        using var iterator = storage.NewIterator(StorageColumn.Data);
        for (iterator.SeekForPrev(GarbageIndex.OwnerSeekLast(prefix)); iterator.Valid && iterator.Key.StartsWith(prefix); iterator.Prev())
        {
            var ownerKey = iterator.Key.ToArray();
            if (ownerKey.Length != prefix.Length + 8 || _revivedStored.Exists(r => r.OwnerKey.AsSpan().SequenceEqual(ownerKey)))
            {
                continue;
            }
            var value = iterator.Value.ToArray();
            var seq = System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(ownerKey.AsSpan(prefix.Length));
            _revivedStored.Add((ownerKey, GarbageIndex.TagKey(GarbageIndex.OwnerValueTag(value), seq)));
            return value;
        }
        return null;
    }
}
