using Chorus.Commands.Keyspace;
using Chorus.Commands.Values;
using Chorus.Storage;

namespace Chorus.Commands.Execution;

/// <summary>
/// What a read command sees: the local replica's committed state at <see cref="NowMs"/>, with
/// logically expired keys hidden (replicas never delete keys on their own; the leader does).
/// Each read resolves the database through the stored catalog, so a SWAPDB or FLUSHDB applied a
/// moment ago is seen by the next command.
/// </summary>
public sealed class ReadContext(IStorageEngine storage, Random? random = null) : IKeyspaceView
{
    private Random? _random = random;

    public IStorageEngine Storage { get; } = storage;

    /// <summary>
    /// Randomness for SRANDMEMBER, HRANDFIELD and RANDOMKEY. The host should pass its own seeded
    /// source (one per connection). Without one, the source is seeded from <see cref="NowMs"/>
    /// at first use: reproducible from the inputs, and different from one millisecond to the next.
    /// </summary>
    public Random Random => _random ??= new Random(unchecked((int)(NowMs ^ (NowMs >> 32))));

    /// <summary>The time used to decide expiry, in Unix milliseconds.</summary>
    public long NowMs { get; set; }

    /// <summary>The connection's selected database (SELECT), 0–15.</summary>
    public int Db { get; set; }

    /// <summary>
    /// Set while a transaction (EXEC) runs on the node's loop: reads then see the staged keyspace,
    /// so a read after a write of the same transaction sees that write. Key-range reads (KEYS,
    /// SCAN, DBSIZE, RANDOMKEY) still see the stored state as of the transaction's start.
    /// </summary>
    public StagedKeyspace? Staged { get; set; }

    /// <summary>Where logical database <paramref name="db"/> is stored now.</summary>
    public uint Physical(int db) => Staged is { } staged ? staged.Physical(db) : KeyspaceCatalog.ReadPhysical(Storage, db);

    public byte[]? GetLive(int db, ReadOnlySpan<byte> key)
    {
        var value = GetStored(Physical(db), key);
        return value is not null && KeyRecord.Parse(value).IsExpiredAt(NowMs) ? null : value;
    }

    /// <summary>The record as stored in physical database <paramref name="physical"/>, expired or not.</summary>
    public byte[]? GetStored(uint physical, ReadOnlySpan<byte> key)
    {
        if (Staged is { } staged)
        {
            return staged.Get(physical, key);
        }
        var length = StoredKey.Length(key);
        if (length <= StoredKey.StackLengthMax + StoredKey.PrefixLength)
        {
            Span<byte> stored = stackalloc byte[length];
            StoredKey.Write(stored, physical, key);
            return Storage.Get(StorageColumn.Data, stored);
        }
        return Storage.Get(StorageColumn.Data, StoredKey.Create(physical, key));
    }

    public byte[]? GetElement(ReadOnlySpan<byte> elementKey) => Staged is { } staged ? staged.GetElement(elementKey) : Storage.Get(StorageColumn.Elements, elementKey);

    public IElementCursor OpenElements(ulong collectionId) => Staged is { } staged ? staged.OpenElements(collectionId) : new StorageElementCursor(Storage, collectionId);
}
