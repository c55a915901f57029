namespace Chorus.Storage;

/// <summary>
/// A node's local database: ordered key-value column families with atomic write batches.
/// Implementations are safe for concurrent readers alongside one writer.
/// </summary>
public interface IStorageEngine : IDisposable
{
    /// <summary>The value stored under <paramref name="key"/>, or null.</summary>
    byte[]? Get(StorageColumn column, ReadOnlySpan<byte> key);

    /// <summary>An iterator over one column family; call a Seek method first.</summary>
    IStorageIterator NewIterator(StorageColumn column);

    IStorageBatch NewBatch();

    /// <summary>
    /// Applies every operation of <paramref name="batch"/> atomically. With
    /// <paramref name="sync"/>, the batch (and everything before it) is on stable storage when
    /// this returns; otherwise it survives a process crash but not necessarily a power loss.
    /// </summary>
    void Write(IStorageBatch batch, bool sync);

    /// <summary>Makes every batch written so far durable (one fsync).</summary>
    void Sync();

    /// <summary>Approximate bytes used by a column family, for INFO and retention.</summary>
    long ApproximateSize(StorageColumn column);

    /// <summary>Approximate number of keys in a column family (exact for the in-memory engine).</summary>
    long ApproximateKeyCount(StorageColumn column);

    /// <summary>
    /// Says that the keys in [<paramref name="from"/>, <paramref name="to"/>) were just deleted
    /// as a range and will not come back, so the space they take may be reclaimed now rather
    /// than whenever compaction happens to reach them. Best effort, in the background; returns at once.
    /// </summary>
    void ReclaimSpace(StorageColumn column, ReadOnlySpan<byte> from, ReadOnlySpan<byte> to)
    {
    }
}
