namespace Chorus.Storage.InMemory;

/// <summary>
/// The storage engine for unit tests and the simulator. It models a disk with a volatile write
/// cache: <see cref="Write"/> without sync changes what readers see, and only
/// <see cref="Sync"/> (or a synced write) makes it survive <see cref="SimulateCrash"/>.
/// </summary>
public sealed class InMemoryStorageEngine : IStorageEngine
{
    private readonly Lock _lock = new();
    private InMemoryTable[] _current = NewTables();
    private InMemoryTable[] _durable = NewTables();
    private readonly List<InMemoryBatch.Op> _unsynced = [];

    /// <summary>Batches written but not yet made durable, as operation count.</summary>
    public int UnsyncedOperations
    {
        get
        {
            lock (_lock)
            {
                return _unsynced.Count;
            }
        }
    }

    public long Syncs { get; private set; }

    public byte[]? Get(StorageColumn column, ReadOnlySpan<byte> key)
    {
        lock (_lock)
        {
            return _current[(int)column].Get(key);
        }
    }

    public IStorageIterator NewIterator(StorageColumn column) => new InMemoryIterator(this, column);

    public IStorageBatch NewBatch() => new InMemoryBatch();

    public void Write(IStorageBatch batch, bool sync)
    {
        var ops = ((InMemoryBatch)batch).Ops;
        lock (_lock)
        {
            foreach (var op in ops)
            {
                Apply(_current, op);
            }
            _unsynced.AddRange(ops);
            if (sync)
            {
                SyncLocked();
            }
        }
    }

    public void Sync()
    {
        lock (_lock)
        {
            SyncLocked();
        }
    }

    public long ApproximateSize(StorageColumn column)
    {
        lock (_lock)
        {
            return _current[(int)column].Bytes;
        }
    }

    public long ApproximateKeyCount(StorageColumn column)
    {
        lock (_lock)
        {
            return _current[(int)column].Count;
        }
    }

    /// <summary>
    /// A crash of the process and the machine: every write since the last sync is lost.
    /// The engine stays usable, as a disk would be after a reboot.
    /// </summary>
    public void SimulateCrash()
    {
        lock (_lock)
        {
            _unsynced.Clear();
            _current = Clone(_durable);
        }
    }

    public void Dispose()
    {
    }

    internal byte[]? Ceiling(StorageColumn column, byte[] key, bool exclusive)
    {
        lock (_lock)
        {
            return _current[(int)column].Ceiling(key, exclusive);
        }
    }

    internal byte[]? Floor(StorageColumn column, byte[] key, bool exclusive)
    {
        lock (_lock)
        {
            return _current[(int)column].Floor(key, exclusive);
        }
    }

    internal byte[]? First(StorageColumn column)
    {
        lock (_lock)
        {
            return _current[(int)column].First;
        }
    }

    internal byte[]? Last(StorageColumn column)
    {
        lock (_lock)
        {
            return _current[(int)column].Last;
        }
    }

    private void SyncLocked()
    {
        foreach (var op in _unsynced)
        {
            Apply(_durable, op);
        }
        _unsynced.Clear();
        Syncs++;
    }

    private static void Apply(InMemoryTable[] tables, InMemoryBatch.Op op)
    {
        var table = tables[(int)op.Column];
        switch (op.Kind)
        {
            case InMemoryBatch.OpKind.Put:
                table.Put(op.Key, op.Value);
                break;
            case InMemoryBatch.OpKind.Delete:
                table.Delete(op.Key);
                break;
            case InMemoryBatch.OpKind.DeleteRange:
                table.DeleteRange(op.Key, op.Value);
                break;
        }
    }

    private static InMemoryTable[] NewTables() =>
        [.. StorageColumns.All.Select(_ => new InMemoryTable())];

    private static InMemoryTable[] Clone(InMemoryTable[] tables) =>
        [.. tables.Select(t => t.Clone())];
}
