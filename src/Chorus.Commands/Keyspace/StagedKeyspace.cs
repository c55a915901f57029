using Chorus.Commands.Values;
using Chorus.Core;
using Chorus.Storage;

namespace Chorus.Commands.Keyspace;

/// <summary>
/// The keyspace as a group of writes sees it: stored values overlaid with the changes staged so
/// far, so later commands in a group read earlier ones. <see cref="FlushTo"/> turns the staged
/// state into data and expiry-index writes in one storage batch, alongside the log records.
/// Single-threaded: owned by the node's apply loop.
/// </summary>
public sealed class StagedKeyspace(IStorageEngine storage)
{
    // Every stored key sorts before this (hash prefixes are < 2^63), as does every expiry time.
    private static readonly byte[] AfterAllKeys = [0x80];
    private static readonly byte[] BeforeAllKeys = [0x00];

    private readonly Dictionary<byte[], Slot> _slots = new(ByteArrayComparer.Instance);
    private bool _clearedAll;

    // The last value read from storage for a key with no slot. A write command reads its key
    // (GetLive), then reads it again for the change's before-image, then once more when the
    // change creates the slot: three RocksDB lookups for one SET. The loop is the only writer
    // and storage changes only in FlushTo, so the value stays valid until then; the executor
    // still forgets it after every command so it never outlives the command that read it.
    private byte[]? _lastReadKey;
    private byte[]? _lastReadValue;

    public bool IsEmpty => _slots.Count == 0 && !_clearedAll;

    /// <summary>The current encoded value of <paramref name="key"/> (possibly logically expired), or null.</summary>
    public byte[]? Get(ReadOnlySpan<byte> key)
    {
        if (_slots.GetAlternateLookup<ReadOnlySpan<byte>>().TryGetValue(key, out var slot))
        {
            return slot.Current;
        }
        return _clearedAll ? null : ReadStoredRemembered(key);
    }

    /// <summary>Forgets the remembered storage read (the executor calls this after every command).</summary>
    public void ForgetLastRead() => _lastReadKey = _lastReadValue = null;

    public void Put(ReadOnlySpan<byte> key, byte[] value) => SlotFor(key).Current = value;

    public void Delete(ReadOnlySpan<byte> key) => SlotFor(key).Current = null;

    /// <summary>
    /// <see cref="Put(ReadOnlySpan{byte}, byte[])"/> for a key whose stored value the caller
    /// already knows — a log entry's before-image, exact because a replica holds a prefix of the
    /// leader's history — so applying the log costs no storage read per key.
    /// </summary>
    public void Put(ReadOnlySpan<byte> key, byte[] value, byte[]? storedNow) => SlotFor(key, storedNow).Current = value;

    /// <summary><see cref="Delete(ReadOnlySpan{byte})"/> for a key whose stored value the caller already knows.</summary>
    public void Delete(ReadOnlySpan<byte> key, byte[]? storedNow) => SlotFor(key, storedNow).Current = null;

    /// <summary>Every key is gone (FLUSHALL).</summary>
    public void DeleteAll()
    {
        ForgetLastRead();
        _slots.Clear();
        _clearedAll = true;
    }

    /// <summary>Adds the staged state to <paramref name="batch"/> and forgets it.</summary>
    public void FlushTo(IStorageBatch batch)
    {
        if (_clearedAll)
        {
            batch.DeleteRange(StorageColumn.Data, BeforeAllKeys, AfterAllKeys);
            batch.DeleteRange(StorageColumn.Expiry, BeforeAllKeys, AfterAllKeys);
        }
        Span<byte> buffer = stackalloc byte[StoredKey.StackLengthMax + StoredKey.PrefixLength];
        foreach (var (key, slot) in _slots)
        {
            var stored = StoredKey.Length(key) <= buffer.Length ? buffer[..StoredKey.Length(key)] : new byte[StoredKey.Length(key)];
            StoredKey.Write(stored, key);
            if (slot.Current is null)
            {
                batch.Delete(StorageColumn.Data, stored);
            }
            else
            {
                batch.Put(StorageColumn.Data, stored, slot.Current);
            }
            UpdateExpiryIndex(batch, key, slot);
        }
        Clear();
    }

    public void Clear()
    {
        _slots.Clear();
        _clearedAll = false;
        ForgetLastRead();
    }

    private static void UpdateExpiryIndex(IStorageBatch batch, byte[] key, Slot slot)
    {
        var before = slot.Base is null ? 0 : StoredValue.ExpiryOf(slot.Base);
        var after = slot.Current is null ? 0 : StoredValue.ExpiryOf(slot.Current);
        if (before == after)
        {
            return;
        }
        if (before != 0)
        {
            batch.Delete(StorageColumn.Expiry, ExpiryIndexKey.Create(before, key));
        }
        if (after != 0)
        {
            batch.Put(StorageColumn.Expiry, ExpiryIndexKey.Create(after, key), []);
        }
    }

    private Slot SlotFor(ReadOnlySpan<byte> key, byte[]? storedNow)
    {
        var lookup = _slots.GetAlternateLookup<ReadOnlySpan<byte>>();
        if (!lookup.TryGetValue(key, out var slot))
        {
            var stored = _clearedAll ? null : storedNow;
            ForgetLastRead();
            slot = new Slot { Base = stored, Current = stored };
            _slots[key.ToArray()] = slot;
        }
        return slot;
    }

    private Slot SlotFor(ReadOnlySpan<byte> key)
    {
        var lookup = _slots.GetAlternateLookup<ReadOnlySpan<byte>>();
        if (!lookup.TryGetValue(key, out var slot))
        {
            var stored = _clearedAll ? null : ReadStoredRemembered(key);
            ForgetLastRead();
            slot = new Slot { Base = stored, Current = stored };
            _slots[key.ToArray()] = slot;
        }
        return slot;
    }

    private byte[]? ReadStoredRemembered(ReadOnlySpan<byte> key)
    {
        if (_lastReadKey is not null && key.SequenceEqual(_lastReadKey))
        {
            // A fresh array, as storage would return: callers may keep or edit what they get.
            return _lastReadValue?.ToArray();
        }
        var value = ReadStored(key);
        _lastReadKey = key.ToArray();
        _lastReadValue = value?.ToArray();
        return value;
    }

    private byte[]? ReadStored(ReadOnlySpan<byte> key)
    {
        var length = StoredKey.Length(key);
        if (length <= StoredKey.StackLengthMax + StoredKey.PrefixLength)
        {
            Span<byte> stored = stackalloc byte[length];
            StoredKey.Write(stored, key);
            return storage.Get(StorageColumn.Data, stored);
        }
        return storage.Get(StorageColumn.Data, StoredKey.Create(key));
    }

    private sealed class Slot
    {
        /// <summary>The value in storage when the slot was created (for the expiry index).</summary>
        public byte[]? Base { get; init; }

        public byte[]? Current { get; set; }
    }
}
