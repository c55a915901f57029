using System.Globalization;
using RocksDbSharp;

namespace Chorus.Storage.RocksDb;

/// <summary>
/// A node's database on disk (DESIGN §3): one RocksDB database with a column family per
/// <see cref="StorageColumn"/>. Reads, writes and <see cref="Sync"/> may run on different
/// threads; <see cref="Dispose"/> must not overlap any other call (stop the syncer first).
/// </summary>
public sealed class RocksDbStorageEngine : IStorageEngine, ICheckpointable
{
    private readonly RocksDbSharp.RocksDb _db;
    private readonly ColumnFamilyHandle[] _handles;
    private readonly WriteOptions _syncedWrites = new WriteOptions().SetSync(true);
    private readonly WriteOptions _unsyncedWrites = new WriteOptions().SetSync(false);
    private readonly ReadOptions _reads = new();
    private readonly Lock _iteratorsLock = new();
    private readonly HashSet<RocksDbIterator> _iterators = [];
    private volatile bool _disposed;
    private readonly Lock _reclaimLock = new();
    private Task _reclaiming = Task.CompletedTask;

    // Every write command reads its key before it changes it; the data column's newest records
    // are kept in memory so that read rarely reaches a memtable skiplist (null: no cache).
    private readonly RecordCache? _dataCache;

    // Every HSET, SADD, ZADD, SREM, HDEL reads the element it names too (the reply's 1 or 0, the
    // count, the logged previous value): the elements column's newest entries, likewise (null: none).
    private readonly RecordCache? _elementCache;

    private RocksDbStorageEngine(RocksDbSharp.RocksDb db, string directory, RocksDbStorageOptions options)
    {
        _db = db;
        Directory = directory;
        _dataCache = options.RecordCacheBytes > 0 ? new RecordCache(options.RecordCacheBytes) : null;
        _elementCache = options.ElementCacheBytes > 0 ? new RecordCache(options.ElementCacheBytes) : null;
        _handles = [.. StorageColumns.All.Select(c => db.GetColumnFamily(StorageColumns.Name(c)))];
    }

    /// <summary>The absolute path of the database directory.</summary>
    public string Directory { get; }

    /// <summary>
    /// Opens the database in <paramref name="directory"/>, creating it (and its column families)
    /// if missing. Throws <see cref="StorageOpenException"/> if another process holds it, or it
    /// was written in a format this build does not know and cannot upgrade (<see cref="RocksDbStorageOptions.Upgrades"/>).
    /// </summary>
    public static RocksDbStorageEngine Open(string directory, RocksDbStorageOptions options)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var path = Path.GetFullPath(directory);
        System.IO.Directory.CreateDirectory(path);
        var engine = new RocksDbStorageEngine(OpenNative(path, options), path, options);
        try
        {
            StorageFormat.CheckOrInitialize(engine, options.Upgrades);
            return engine;
        }
        catch
        {
            engine.Dispose();
            throw;
        }
    }

    public byte[]? Get(StorageColumn column, ReadOnlySpan<byte> key)
    {
        ThrowIfDisposed();
        if (CacheOf(column) is not { } cache)
        {
            return _db.Get(key, Handle(column), _reads);
        }
        if (cache.TryGet(key, out var cached))
        {
            return cached;
        }
        var generation = cache.Generation;
        var value = _db.Get(key, Handle(column), _reads);
        cache.Remember(key, value, generation);
        return value;
    }

    /// <summary>The cache in front of <paramref name="column"/>'s point reads, or null; a batch records its changes to a cached column.</summary>
    internal RecordCache? CacheOf(StorageColumn column) => column switch
    {
        StorageColumn.Data => _dataCache,
        StorageColumn.Elements => _elementCache,
        _ => null,
    };

    public IStorageIterator NewIterator(StorageColumn column)
    {
        ThrowIfDisposed();
        var iterator = new RocksDbIterator(this, _db.NewIterator(Handle(column), _reads));
        lock (_iteratorsLock)
        {
            _iterators.Add(iterator);
        }
        return iterator;
    }

    public IStorageBatch NewBatch()
    {
        ThrowIfDisposed();
        return new RocksDbBatch(this);
    }

    public void Write(IStorageBatch batch, bool sync)
    {
        ThrowIfDisposed();
        if (batch is not RocksDbBatch rocksBatch || rocksBatch.Owner != this)
        {
            throw new ArgumentException("the batch was not created by this engine", nameof(batch));
        }
        if (rocksBatch.DataChanges.Count == 0 && rocksBatch.ElementChanges.Count == 0)
        {
            _db.Write(rocksBatch.Inner, sync ? _syncedWrites : _unsyncedWrites);
            return;
        }
        try
        {
            _db.Write(rocksBatch.Inner, sync ? _syncedWrites : _unsyncedWrites);
        }
        catch
        {
            // Whether RocksDB kept any of it is unknown: read it again.
            _dataCache?.Clear();
            _elementCache?.Clear();
            throw;
        }
        Apply(_dataCache, rocksBatch.DataChanges);
        Apply(_elementCache, rocksBatch.ElementChanges);
    }

    private static void Apply(RecordCache? cache, List<RecordChange> changes)
    {
        if (cache is not null && changes.Count > 0)
        {
            cache.Apply(changes);
        }
    }

    /// <summary>
    /// Writes the WAL buffer out and fsyncs it. Safe alongside writes: the everysec syncer calls
    /// it from its own thread while the apply loop keeps writing.
    /// </summary>
    public void Sync()
    {
        ThrowIfDisposed();
        Native.Instance.rocksdb_flush_wal(_db.Handle, 1);
    }

    /// <summary>Live SST data plus memtables: what the column family holds now, not counting garbage awaiting compaction.</summary>
    public long ApproximateSize(StorageColumn column)
    {
        ThrowIfDisposed();
        var handle = Handle(column);
        return Property("rocksdb.estimate-live-data-size", handle) + Property("rocksdb.cur-size-all-mem-tables", handle);
    }

    public long ApproximateKeyCount(StorageColumn column)
    {
        ThrowIfDisposed();
        return Property("rocksdb.estimate-num-keys", Handle(column));
    }

    /// <summary>
    /// Writes a consistent, openable copy of the whole database to <paramref name="directory"/>
    /// (which must not exist), hard-linking SST files where the file system allows. Used to send
    /// snapshots to new followers (DESIGN §4.3).
    /// </summary>
    public void CreateCheckpoint(string directory)
    {
        ThrowIfDisposed();
        var path = Path.GetFullPath(directory);
        using var checkpoint = _db.Checkpoint();
        try
        {
            // 0: always flush the memtables first, so the copy needs no WAL replay to be complete.
            checkpoint.Save(path, 0);
        }
        catch (RocksDbException e)
        {
            throw new IOException($"cannot create a checkpoint of '{Directory}' in '{path}': {e.Message}", e);
        }
    }

    /// <summary>
    /// Frees, now, the files of <paramref name="column"/> whose keys are all in
    /// [<paramref name="from"/>, <paramref name="through"/>] and were deleted already: whole files
    /// are dropped without being read (RocksDB's DeleteFilesInRange, which skips level 0), and a
    /// compaction of the range rewrites what is left. For a copy about to be shipped (a snapshot
    /// without its log prefix), where a background <see cref="ReclaimSpace"/> would come too late.
    /// </summary>
    public void DropDeletedRange(StorageColumn column, byte[] from, byte[] through)
    {
        ThrowIfDisposed();
        var handle = Handle(column);
        Native.Instance.rocksdb_delete_file_in_range_cf(_db.Handle, handle.Handle, from, (UIntPtr)from.Length, through, (UIntPtr)through.Length, out var error);
        if (error != IntPtr.Zero)
        {
            var message = System.Runtime.InteropServices.Marshal.PtrToStringAnsi(error);
            Native.Instance.rocksdb_free(error);
            throw new IOException($"cannot drop the files of {StorageColumns.Name(column)} in '{Directory}': {message}");
        }
        _db.CompactRange(from, [.. through, 0], handle);
    }

    /// <summary>
    /// A range deletion leaves its keys on disk until compaction reaches their files, which for
    /// the replication log's retired prefix could be never: the retired log kept its full size.
    /// So the range is compacted at once, on a background thread, one compaction at a time; a
    /// request while one runs is dropped, since retirement ranges grow from the start and the
    /// next request covers this one.
    /// </summary>
    public void ReclaimSpace(StorageColumn column, ReadOnlySpan<byte> from, ReadOnlySpan<byte> to)
    {
        ThrowIfDisposed();
        var (start, limit, handle) = (from.ToArray(), to.ToArray(), Handle(column));
        lock (_reclaimLock)
        {
            if (!_reclaiming.IsCompleted)
            {
                return;
            }
            _reclaiming = Task.Run(() =>
            {
                if (!_disposed)
                {
                    _db.CompactRange(start, limit, handle);
                }
            });
        }
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        lock (_reclaimLock)
        {
            // A compaction under way finishes before the database closes under it.
            try
            {
                _reclaiming.Wait();
            }
            catch (AggregateException)
            {
                // a failed compaction only means the space comes back later
            }
        }
        DestroyIterators();
        try
        {
            // A clean shutdown leaves nothing unsynced, whatever the durability policy.
            Native.Instance.rocksdb_flush_wal(_db.Handle, 1);
        }
        finally
        {
            // Also destroys the column family handles, which the database owns.
            _db.Dispose();
        }
    }

    internal ColumnFamilyHandle Handle(StorageColumn column) => _handles[(int)column];

    internal void Release(RocksDbIterator iterator)
    {
        lock (_iteratorsLock)
        {
            if (_iterators.Remove(iterator))
            {
                iterator.DestroyNative();
            }
        }
    }

    private static RocksDbSharp.RocksDb OpenNative(string path, RocksDbStorageOptions options)
    {
        try
        {
            return RocksDbSharp.RocksDb.Open(
                RocksDbConfiguration.DbOptions(options), path, RocksDbConfiguration.ColumnFamilies(options));
        }
        catch (RocksDbException e) when (e.Message.Contains("LOCK", StringComparison.Ordinal))
        {
            throw new StorageOpenException(
                $"storage directory '{path}' is locked (its RocksDB LOCK file is held): is another node, " +
                $"or another engine in this process, using it? ({e.Message})", e);
        }
        catch (RocksDbException e)
        {
            throw new StorageOpenException($"cannot open storage directory '{path}': {e.Message}", e);
        }
    }

    /// <summary>Native iterators must go before the database closes; a later use of one throws.</summary>
    private void DestroyIterators()
    {
        lock (_iteratorsLock)
        {
            foreach (var iterator in _iterators)
            {
                iterator.DestroyNative();
            }
            _iterators.Clear();
        }
    }

    private long Property(string name, ColumnFamilyHandle handle) =>
        long.Parse(_db.GetProperty(name, handle), NumberStyles.None, CultureInfo.InvariantCulture);

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);
}
