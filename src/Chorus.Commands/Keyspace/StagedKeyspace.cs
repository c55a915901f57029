using System.Buffers.Binary;
using Chorus.Commands.Values;
using Chorus.Core;
using Chorus.Storage;

namespace Chorus.Commands.Keyspace;

/// <summary>
/// The keyspace as a group of writes sees it: stored records, elements and catalog overlaid with
/// the changes staged so far, so later commands in a group read earlier ones.
/// <see cref="FlushTo"/> turns the staged state into data, elements, expiry-index and garbage
/// writes in one storage batch, alongside the log records. Single-threaded: owned by the node's
/// apply loop. Keys here are physical (a physical database id and a key); row changes, which name
/// logical databases, are resolved through <see cref="Physical"/> by the applier.
/// </summary>
public sealed class StagedKeyspace
{
    private readonly IStorageEngine _storage;
    private readonly Dictionary<byte[], Slot> _slots = new(ByteArrayComparer.Instance);
    private readonly StagedElements _elements;
    private readonly GarbageLedger _garbage;
    private KeyspaceCatalog? _catalog;
    private bool _catalogChanged;
    private ulong _garbageIdleAt;

    // The last record read from storage for a key with no slot. A write command reads its key
    // (GetLive), then reads it again for the change's before-image, then once more when the
    // change creates the slot: three RocksDB lookups for one SET. The loop is the only writer
    // and storage changes only in FlushTo, so the value stays valid until then; the executor
    // still forgets it after every command so it never outlives the command that read it.
    private byte[]? _lastReadKey;
    private byte[]? _lastReadValue;

    /// <summary>The storage under the staged changes (a script's reads open a <see cref="Execution.ReadContext"/> over both).</summary>
    public IStorageEngine Storage => _storage;

    public StagedKeyspace(IStorageEngine storage)
    {
        _storage = storage;
        _elements = new StagedElements(storage);
        _garbage = new GarbageLedger(storage);
    }

    public bool IsEmpty => _slots.Count == 0 && _elements.Count == 0 && _garbage.IsEmpty && !_catalogChanged;

    /// <summary>
    /// Set while changes are being undone (a rollback, or a failed command on the leader): a
    /// collection an undo removes is dropped at once instead of becoming garbage.
    /// </summary>
    public bool Undoing { get; set; }

    /// <summary>
    /// The log is retired through this LSN: garbage tagged at or below it can never be needed by a
    /// rollback and is collected, a bounded amount per flush. The node sets it when it retires the log.
    /// </summary>
    public ulong RetiredThrough { get; set; }

    private KeyspaceCatalog Catalog => _catalog ??= KeyspaceCatalog.Read(_storage);

    /// <summary>The physical database logical <paramref name="db"/> maps to now.</summary>
    public uint Physical(int db) => Catalog.Physical(db);

    /// <summary>The logical database that maps to <paramref name="physical"/> now, or -1.</summary>
    public int Logical(uint physical) => Catalog.Logical(physical);

    /// <summary>The current record of <paramref name="key"/> (possibly logically expired), or null.</summary>
    public byte[]? Get(uint db, ReadOnlySpan<byte> key)
    {
        Span<byte> buffer = stackalloc byte[SlotKeyStackMax];
        var slotKey = SlotKey(buffer, db, key);
        if (_slots.GetAlternateLookup<ReadOnlySpan<byte>>().TryGetValue(slotKey, out var slot))
        {
            return slot.Current;
        }
        return ReadStoredRemembered(slotKey);
    }

    /// <summary>Whether logical database <paramref name="db"/> holds <paramref name="key"/> (expired or not).</summary>
    public bool Exists(int db, byte[] key) => Get(Physical(db), key) is not null;

    /// <summary>Forgets the remembered storage read (the executor calls this after every command).</summary>
    public void ForgetLastRead() => _lastReadKey = _lastReadValue = null;

    /// <summary>The key now holds <paramref name="record"/>.</summary>
    public void Put(uint db, ReadOnlySpan<byte> key, byte[] record) => Replace(db, key, record, SlotFor(db, key, known: false, null), emptied: false);

    /// <summary>
    /// <see cref="Put(uint, ReadOnlySpan{byte}, byte[])"/> for a key whose stored record the caller
    /// already knows — a log entry's before-image, exact because a replica holds a prefix of the
    /// leader's history — so applying the log costs no storage read per key.
    /// </summary>
    public void Put(uint db, ReadOnlySpan<byte> key, byte[] record, byte[]? storedNow) =>
        Replace(db, key, record, SlotFor(db, key, known: true, storedNow), emptied: false);

    /// <summary>
    /// <see cref="Put(uint, ReadOnlySpan{byte}, byte[], byte[])"/> with the stored record as bytes
    /// (a log entry's before-image, read in place): copied only when the key has no slot yet.
    /// </summary>
    public void PutOver(uint db, ReadOnlySpan<byte> key, byte[] record, ReadOnlySpan<byte> storedNow) =>
        Replace(db, key, record, SlotFor(db, key, storedNow), emptied: false);

    /// <summary>
    /// Removes the key. A collection it held becomes garbage (or is dropped, when undoing);
    /// <paramref name="emptied"/> says the change removed every element itself.
    /// </summary>
    public void Delete(uint db, ReadOnlySpan<byte> key, bool emptied = false) => Replace(db, key, null, SlotFor(db, key, known: false, null), emptied);

    /// <summary><see cref="Delete(uint, ReadOnlySpan{byte}, bool)"/> for a key whose stored record the caller already knows.</summary>
    public void Delete(uint db, ReadOnlySpan<byte> key, byte[]? storedNow, bool emptied = false) =>
        Replace(db, key, null, SlotFor(db, key, known: true, storedNow), emptied);

    /// <summary>The element under <paramref name="elementKey"/>, or null.</summary>
    public byte[]? GetElement(ReadOnlySpan<byte> elementKey) => _elements.Get(elementKey);

    /// <summary>Stages an element (or its deletion, for null). Elements carry no index, so no read is needed.</summary>
    public void SetElement(ReadOnlySpan<byte> elementKey, byte[]? value) => _elements.Set(elementKey, value);

    /// <summary>A cursor over a collection's elements as staged.</summary>
    public IElementCursor OpenElements(ulong collectionId) => _elements.Open(collectionId);

    /// <summary>A fresh collection id: node-local, never reused.</summary>
    public ulong NewCollectionId()
    {
        _catalogChanged = true;
        return Catalog.TakeCollectionId();
    }

    /// <summary>
    /// Brings back the newest garbage collection owned by the key (an undo restoring what a change
    /// removed) and returns its record, which the caller stores again.
    /// </summary>
    public byte[] ReviveCollection(uint db, ReadOnlySpan<byte> key) => _garbage.ReviveCollection(db, key);

    /// <summary>FLUSHDB: logical <paramref name="db"/> maps to a fresh, empty physical database.</summary>
    public void FlushDatabase(int db)
    {
        _catalogChanged = true;
        var old = Catalog.Remap(db);
        if (Undoing)
        {
            _garbage.DatabaseDropped(old);
        }
        else
        {
            _garbage.DatabaseReplaced(db, old, Catalog);
        }
    }

    /// <summary>Undoes the newest FLUSHDB of <paramref name="db"/>: its old physical database comes back.</summary>
    public void UnflushDatabase(int db)
    {
        _catalogChanged = true;
        _garbage.DatabaseDropped(Catalog.Physical(db));
        Catalog.Map(db, _garbage.ReviveDatabase(db));
    }

    /// <summary>SWAPDB: two logical databases trade physical ones.</summary>
    public void SwapDatabases(int db, int other)
    {
        _catalogChanged = true;
        Catalog.Swap(db, other);
    }

    /// <summary>
    /// Adds the staged state to <paramref name="batch"/> and forgets it. Garbage created by the
    /// group is tagged <paramref name="appliedThrough"/>: the LSN of the last log entry it holds.
    /// With <paramref name="collectGarbage"/>, a bounded amount of retired garbage goes in the
    /// same batch (a physical entry's capture leaves that to each node's own flushes).
    /// </summary>
    public void FlushTo(IStorageBatch batch, Lsn appliedThrough, bool collectGarbage = true)
    {
        Span<byte> buffer = stackalloc byte[StoredKey.StackLengthMax + StoredKey.PrefixLength];
        foreach (var (slotKey, slot) in _slots)
        {
            var db = BinaryPrimitives.ReadUInt32BigEndian(slotKey);
            var key = slotKey.AsSpan(PhysicalDb.Length);
            var length = StoredKey.Length(key);
            var stored = length <= buffer.Length ? buffer[..length] : new byte[length];
            StoredKey.Write(stored, db, key);
            if (slot.Current is null)
            {
                batch.Delete(StorageColumn.Data, stored);
            }
            else
            {
                batch.Put(StorageColumn.Data, stored, slot.Current);
            }
            UpdateExpiryIndex(batch, db, key, slot);
        }
        _elements.FlushTo(batch);
        var revived = _garbage.HasRevivals;
        _garbage.FlushTo(batch, appliedThrough.Value);
        if (_catalogChanged)
        {
            batch.Put(StorageColumn.Data, KeyspaceCatalog.Key, Catalog.Encode());
        }
        // A group that revives garbage is a rollback's: never collect in the same batch.
        if (collectGarbage && !revived && RetiredThrough > _garbageIdleAt)
        {
            if (!GarbageCollector.Collect(_storage, batch, RetiredThrough))
            {
                _garbageIdleAt = RetiredThrough;
            }
        }
        Clear();
    }

    public void Clear()
    {
        _slots.Clear();
        _elements.Clear();
        _garbage.Clear();
        _catalog = null;
        _catalogChanged = false;
        ForgetLastRead();
    }

    private const int SlotKeyStackMax = StoredKey.StackLengthMax + PhysicalDb.Length;

    /// <summary>A slot's key: the physical database, then the user key.</summary>
    private static ReadOnlySpan<byte> SlotKey(Span<byte> buffer, uint db, ReadOnlySpan<byte> key)
    {
        var length = PhysicalDb.Length + key.Length;
        var slotKey = length > buffer.Length ? new byte[length] : buffer[..length];
        BinaryPrimitives.WriteUInt32BigEndian(slotKey, db);
        key.CopyTo(slotKey[PhysicalDb.Length..]);
        return slotKey;
    }

    /// <summary>
    /// Records the new value of a slot, and what happened to a collection it held or now holds:
    /// one that leaves becomes garbage (or is dropped or gone), one that arrives is live.
    /// </summary>
    private void Replace(uint db, ReadOnlySpan<byte> key, byte[]? record, Slot slot, bool emptied)
    {
        var before = slot.Current;
        slot.Current = record;
        var oldId = before is null ? null : KeyRecord.CollectionIdOf(before);
        var newId = record is null ? null : KeyRecord.CollectionIdOf(record);
        if (oldId is { } vanished && vanished != newId)
        {
            var count = KeyRecord.Parse(before!).Count;
            _catalogChanged |= !Undoing && !emptied;
            _garbage.CollectionVanished(db, key, before!, count, vanished, Undoing, emptied, Catalog);
        }
        if (newId is { } appeared && appeared != oldId)
        {
            _garbage.CollectionAppeared(appeared);
        }
    }

    private void UpdateExpiryIndex(IStorageBatch batch, uint db, ReadOnlySpan<byte> key, Slot slot)
    {
        var before = slot.Base is null ? 0 : KeyRecord.ExpiryOf(slot.Base);
        var after = slot.Current is null ? 0 : KeyRecord.ExpiryOf(slot.Current);
        if (before == after)
        {
            return;
        }
        if (before != 0)
        {
            batch.Delete(StorageColumn.Expiry, ExpiryIndexKey.Create(db, before, key));
        }
        if (after != 0)
        {
            batch.Put(StorageColumn.Expiry, ExpiryIndexKey.Create(db, after, key), []);
        }
    }

    private Slot SlotFor(uint db, ReadOnlySpan<byte> key, bool known, byte[]? storedNow)
    {
        Span<byte> buffer = stackalloc byte[SlotKeyStackMax];
        var slotKey = SlotKey(buffer, db, key);
        return FindSlot(slotKey) ?? AddSlot(slotKey, known ? storedNow : ReadStoredRemembered(slotKey));
    }

    private Slot SlotFor(uint db, ReadOnlySpan<byte> key, ReadOnlySpan<byte> storedNow)
    {
        Span<byte> buffer = stackalloc byte[SlotKeyStackMax];
        var slotKey = SlotKey(buffer, db, key);
        return FindSlot(slotKey) ?? AddSlot(slotKey, storedNow.ToArray());
    }

    private Slot? FindSlot(ReadOnlySpan<byte> slotKey) =>
        _slots.GetAlternateLookup<ReadOnlySpan<byte>>().TryGetValue(slotKey, out var slot) ? slot : null;

    private Slot AddSlot(ReadOnlySpan<byte> slotKey, byte[]? stored)
    {
        ForgetLastRead();
        var slot = new Slot { Base = stored, Current = stored };
        _slots.GetAlternateLookup<ReadOnlySpan<byte>>()[slotKey] = slot;
        return slot;
    }

    private byte[]? ReadStoredRemembered(ReadOnlySpan<byte> slotKey)
    {
        if (_lastReadKey is not null && slotKey.SequenceEqual(_lastReadKey))
        {
            // A fresh array, as storage would return: callers may keep or edit what they get.
            return _lastReadValue?.ToArray();
        }
        var value = ReadStored(slotKey);
        _lastReadKey = slotKey.ToArray();
        _lastReadValue = value?.ToArray();
        return value;
    }

    private byte[]? ReadStored(ReadOnlySpan<byte> slotKey)
    {
        var db = BinaryPrimitives.ReadUInt32BigEndian(slotKey);
        var key = slotKey[PhysicalDb.Length..];
        var length = StoredKey.Length(key);
        if (length <= StoredKey.StackLengthMax + StoredKey.PrefixLength)
        {
            Span<byte> stored = stackalloc byte[length];
            StoredKey.Write(stored, db, key);
            return _storage.Get(StorageColumn.Data, stored);
        }
        return _storage.Get(StorageColumn.Data, StoredKey.Create(db, key));
    }

    private sealed class Slot
    {
        /// <summary>The record in storage when the slot was created (for the expiry index).</summary>
        public byte[]? Base { get; init; }

        public byte[]? Current { get; set; }
    }
}
