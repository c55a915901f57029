using RocksDbSharp;

namespace Chorus.Storage.RocksDb;

/// <summary>A RocksDB write batch bound to the engine whose column family handles it uses.</summary>
internal sealed class RocksDbBatch(RocksDbStorageEngine owner) : IStorageBatch
{
    private readonly WriteBatch _batch = new();
    private bool _disposed;

    /// <summary>What the batch does to the data column, for the engine's record cache once RocksDB has taken it (empty when uncached).</summary>
    internal List<RecordChange> DataChanges { get; } = [];

    /// <summary>What the batch does to the elements column, for the engine's element cache (empty when uncached).</summary>
    internal List<RecordChange> ElementChanges { get; } = [];

    internal RocksDbStorageEngine Owner => owner;

    internal WriteBatch Inner => _disposed ? throw new ObjectDisposedException(nameof(RocksDbBatch)) : _batch;

    /// <summary>Counted here, not by RocksDB, so an empty range (not sent to RocksDB) still counts, as in memory.</summary>
    public int Count { get; private set; }

    public void Put(StorageColumn column, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        Inner.Put(key, value, owner.Handle(column));
        Count++;
        if (ChangesOf(column) is { } changes)
        {
            changes.Add(value.Length <= RecordCache.ValueBytesMax
                ? new RecordChange(RecordChangeKind.Put, key.ToArray(), value.ToArray())
                : new RecordChange(RecordChangeKind.Forget, key.ToArray(), null));
        }
    }

    public void Delete(StorageColumn column, ReadOnlySpan<byte> key)
    {
        Inner.Delete(key, owner.Handle(column));
        Count++;
        if (ChangesOf(column) is { } changes)
        {
            changes.Add(new RecordChange(RecordChangeKind.Delete, key.ToArray(), null));
        }
    }

    public void DeleteRange(StorageColumn column, ReadOnlySpan<byte> fromInclusive, ReadOnlySpan<byte> toExclusive)
    {
        var batch = Inner;
        Count++;
        if (ChangesOf(column) is { } changes)
        {
            changes.Add(new RecordChange(RecordChangeKind.Range, null, null));
        }
        // RocksDB accepts an empty or inverted range into the batch, fails it only when applying
        // it to the memtable (after the WAL write), and then refuses every later write until the
        // database is reopened. Such a range deletes nothing, so it never reaches RocksDB.
        if (fromInclusive.SequenceCompareTo(toExclusive) >= 0)
        {
            return;
        }
        // RocksDbSharp has no span overload of DeleteRange; range deletes are rare (log
        // truncation, FLUSHALL), so the copies do not matter.
        batch.DeleteRange(
            fromInclusive.ToArray(), (ulong)fromInclusive.Length,
            toExclusive.ToArray(), (ulong)toExclusive.Length,
            owner.Handle(column));
    }

    public void Clear()
    {
        Inner.Clear();
        Count = 0;
        DataChanges.Clear();
        ElementChanges.Clear();
    }

    /// <summary>Where this batch records its changes to <paramref name="column"/>, or null when the engine caches none of it.</summary>
    private List<RecordChange>? ChangesOf(StorageColumn column) =>
        owner.CacheOf(column) is null ? null : column == StorageColumn.Data ? DataChanges : ElementChanges;

    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            _batch.Dispose();
        }
    }
}
