using Chorus.Core;

namespace Chorus.Storage.RocksDb;

/// <summary>
/// The newest records of one column family, in memory, in front of RocksDB's point reads. Every
/// write command reads its key first (the before-image, the old expiry), and under a write flood
/// that read was the node loop's largest cost: a search of a memtable skiplist holding every
/// version written since the last flush, one cache miss per level (BENCHMARKS.md, "Write path").
/// <para>
/// Correct by construction rather than by invalidation rules: the engine feeds the cache what
/// every batch wrote, after RocksDB took it (<see cref="Apply"/>), and what a read found
/// (<see cref="Remember"/>) only when no batch was applied while that read ran — a read that
/// raced a write could otherwise put the older value back. A range deletion empties the cache.
/// It remembers absence too (a SET of a new key then reads nothing from RocksDB).
/// </para>
/// Bounded by <c>bytesMax</c>, as two generations: entries go into the young one; when it holds
/// half the budget it becomes the old one and the previous old one is dropped; a hit in the old
/// one moves the entry back to the young one. An approximate LRU without per-entry bookkeeping.
/// Thread-safe: the node loop writes and reads, connections read.
/// </summary>
internal sealed class RecordCache(long bytesMax)
{
    /// <summary>Larger values are not kept: they would crowd out many small ones, and copying them is what a read costs anyway.</summary>
    public const int ValueBytesMax = 16 << 10;

    /// <summary>A dictionary entry, the key and value arrays' headers: a rough per-entry cost.</summary>
    private const int EntryOverheadBytes = 96;

    private readonly Lock _lock = new();
    private Dictionary<byte[], byte[]?> _young = new(ByteArrayComparer.Instance);
    private Dictionary<byte[], byte[]?> _old = new(ByteArrayComparer.Instance);
    private long _youngBytes;
    private long _generation;

    /// <summary>Moves on with every applied batch: a read taken under an older generation is not remembered.</summary>
    public long Generation => Volatile.Read(ref _generation);

    /// <summary>
    /// The cached record of <paramref name="key"/>: true with a fresh copy (null: known absent),
    /// false when the cache does not know.
    /// </summary>
    public bool TryGet(ReadOnlySpan<byte> key, out byte[]? value)
    {
        lock (_lock)
        {
            if (_young.GetAlternateLookup<ReadOnlySpan<byte>>().TryGetValue(key, out var young))
            {
                value = young?.ToArray();
                return true;
            }
            var old = _old.GetAlternateLookup<ReadOnlySpan<byte>>();
            if (old.Remove(key, out var actualKey, out var found))
            {
                Add(actualKey, found);
                value = found?.ToArray();
                return true;
            }
        }
        value = null;
        return false;
    }

    /// <summary>What a storage read found, if no batch was applied since <paramref name="generationBefore"/> (read before the storage read).</summary>
    public void Remember(ReadOnlySpan<byte> key, byte[]? value, long generationBefore)
    {
        if (value is { Length: > ValueBytesMax })
        {
            return;
        }
        lock (_lock)
        {
            if (_generation == generationBefore)
            {
                Put(key, value?.ToArray());
            }
        }
    }

    /// <summary>A batch that RocksDB has taken: its changes to this column, in order.</summary>
    public void Apply(List<RecordChange> changes)
    {
        lock (_lock)
        {
            _generation++;
            foreach (var change in changes)
            {
                switch (change.Kind)
                {
                    case RecordChangeKind.Put:
                    case RecordChangeKind.Delete:
                        Put(change.Key!, change.Value);
                        break;
                    case RecordChangeKind.Forget:
                        _young.Remove(change.Key!);
                        _old.Remove(change.Key!);
                        break;
                    default:
                        ClearLocked();
                        break;
                }
            }
        }
    }

    /// <summary>Forgets everything (a write failed: what RocksDB holds is no longer known here).</summary>
    public void Clear()
    {
        lock (_lock)
        {
            _generation++;
            ClearLocked();
        }
    }

    private void ClearLocked()
    {
        _young.Clear();
        _old.Clear();
        _youngBytes = 0;
    }

    private void Put(ReadOnlySpan<byte> key, byte[]? value)
    {
        var old = _old.GetAlternateLookup<ReadOnlySpan<byte>>();
        old.Remove(key);
        var young = _young.GetAlternateLookup<ReadOnlySpan<byte>>();
        if (young.TryGetValue(key, out var previous))
        {
            _youngBytes += (value?.Length ?? 0) - (previous?.Length ?? 0);
            young[key] = value;
            return;
        }
        Add(key.ToArray(), value);
    }

    private void Add(byte[] key, byte[]? value)
    {
        var bytes = key.Length + (value?.Length ?? 0) + EntryOverheadBytes;
        if (_youngBytes + bytes > bytesMax / 2)
        {
            (_old, _young) = (_young, _old);
            _young.Clear();
            _youngBytes = 0;
        }
        _young[key] = value;
        _youngBytes += bytes;
    }
}

internal enum RecordChangeKind
{
    /// <summary>The key now holds the value.</summary>
    Put,

    /// <summary>The key is gone.</summary>
    Delete,

    /// <summary>The key changed to something not kept here (a large value).</summary>
    Forget,

    /// <summary>A range of keys is gone: nothing cached can be trusted.</summary>
    Range,
}

/// <summary>One change a batch makes to a cached column (the value is a private copy).</summary>
internal readonly record struct RecordChange(RecordChangeKind Kind, byte[]? Key, byte[]? Value);
