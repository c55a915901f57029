using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Chorus.Core;

namespace Chorus.Storage.RocksDb;

/// <summary>
/// The newest records of one column family, in memory, in front of RocksDB's point reads. Every
/// write command reads its key first (the before-image, the old expiry), and under a write flood
/// that read was the node loop's largest cost: a search of a memtable skiplist holding every
/// version written since the last flush, one cache miss per level (BENCHMARKS.md, "Write path: the record cache").
/// <para>
/// Correct by construction rather than by invalidation rules: the engine feeds the cache what
/// every batch wrote, after RocksDB took it (<see cref="Apply"/>), and what a read found
/// (<see cref="Remember"/>) only when no batch was applied while that read ran — a read that
/// raced a write could otherwise put the older value back. A range deletion empties the cache.
/// It remembers absence too (a SET of a new key then reads nothing from RocksDB).
/// </para>
/// Bounded by <c>bytesMax</c> with the clock (second-chance) policy: a hit or an overwrite marks
/// its entry; when the cache is full, one sweep drops every unmarked entry and unmarks the rest,
/// so keys used again since the last sweep stay (if they alone fill half the budget, none do,
/// so sweeps stay rare). One hash lookup per read or change.
/// Thread-safe: the node loop writes and reads, connections read.
/// </summary>
internal sealed class RecordCache(long bytesMax)
{
    /// <summary>Larger values are not kept: they would crowd out many small ones, and copying them is what a read costs anyway.</summary>
    public const int ValueBytesMax = 16 << 10;

    /// <summary>A dictionary entry, the key and value arrays' headers: a rough per-entry cost.</summary>
    private const int EntryOverheadBytes = 96;

    private readonly Lock _lock = new();
    private Dictionary<byte[], Entry> _entries = new(ByteArrayComparer.Instance);
    private long _bytes;
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
            ref var entry = ref CollectionsMarshal.GetValueRefOrNullRef(_entries.GetAlternateLookup<ReadOnlySpan<byte>>(), key);
            if (!Unsafe.IsNullRef(ref entry))
            {
                entry.Used = true;
                value = entry.Value?.ToArray();
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
                Put(key.ToArray(), value?.ToArray());
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
                        if (_entries.Remove(change.Key!, out var forgotten))
                        {
                            _bytes -= Bytes(change.Key!, forgotten.Value);
                        }
                        break;
                    default:
                        _entries.Clear();
                        _bytes = 0;
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
            _entries.Clear();
            _bytes = 0;
        }
    }

    /// <summary>Entries held now (for tests).</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _entries.Count;
            }
        }
    }

    private void Put(byte[] key, byte[]? value)
    {
        ref var entry = ref CollectionsMarshal.GetValueRefOrAddDefault(_entries, key, out var existed);
        if (existed)
        {
            _bytes += (value?.Length ?? 0) - (entry.Value?.Length ?? 0);
            entry.Value = value;
            entry.Used = true;
            return;
        }
        entry.Value = value;
        _bytes += Bytes(key, value);
        if (_bytes > bytesMax)
        {
            Sweep();
        }
    }

    /// <summary>Keeps the entries used since the last sweep (unmarked now); if they alone fill the cache, keeps none.</summary>
    private void Sweep()
    {
        var kept = new Dictionary<byte[], Entry>(_entries.Count / 2, ByteArrayComparer.Instance);
        long bytes = 0;
        foreach (var (key, entry) in _entries)
        {
            if (entry.Used)
            {
                kept[key] = entry with { Used = false };
                bytes += Bytes(key, entry.Value);
            }
        }
        (_entries, _bytes) = bytes > bytesMax / 2 ? (new Dictionary<byte[], Entry>(ByteArrayComparer.Instance), 0L) : (kept, bytes);
    }

    private static long Bytes(byte[] key, byte[]? value) => key.Length + (value?.Length ?? 0) + EntryOverheadBytes;

    private record struct Entry(byte[]? Value, bool Used);
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
