using Chorus.Commands.Values;
using Chorus.Storage;

namespace Chorus.Commands.Keyspace.Migration;

/// <summary>
/// Storage format 1 → 2, in place (docs/storage-layout.md, "Format 1 → 2"). Format-1 records (a
/// 63-bit hash and the key → a whole value; first key byte &lt; 0x80) are rewritten in chunks into
/// logical database 0: a key record, one element per field or member, and a moved expiry entry.
/// Each chunk is one synced batch that also deletes the format-1 records it rewrote, so a crash
/// between chunks leaves a directory that the next run finishes.
/// </summary>
public static class FormatOneMigration
{
    public const int ChunkKeysMax = 1024;

    public const long ChunkBytesMax = 4L << 20;

    /// <summary>Every format-1 key starts below this byte; every format-2 one at or above it.</summary>
    private const byte FormatTwoFirstByte = 0x80;

    private const int FormatOneHashLength = 8;

    public static void Run(IStorageEngine storage) => Run(storage, chunksMax: int.MaxValue);

    /// <summary>Migrates at most <paramref name="chunksMax"/> chunks (a crash part-way, in tests); true when done.</summary>
    public static bool Run(IStorageEngine storage, int chunksMax)
    {
        for (var chunk = 0; chunk < chunksMax; chunk++)
        {
            if (!MigrateChunk(storage))
            {
                using var batch = storage.NewBatch();
                batch.DeleteRange(StorageColumn.Expiry, [0x00], [FormatTwoFirstByte]);
                storage.Write(batch, sync: true);
                return true;
            }
        }
        return false;
    }

    /// <summary>Rewrites the next chunk of format-1 records; false when none is left.</summary>
    private static bool MigrateChunk(IStorageEngine storage)
    {
        var catalog = KeyspaceCatalog.Read(storage);
        var physical = catalog.Physical(0);
        using var batch = storage.NewBatch();
        var keys = 0;
        long bytes = 0;
        using (var iterator = storage.NewIterator(StorageColumn.Data))
        {
            for (iterator.SeekToFirst(); iterator.Valid && iterator.Key[0] < FormatTwoFirstByte; iterator.Next())
            {
                if (keys >= ChunkKeysMax || bytes >= ChunkBytesMax)
                {
                    break;
                }
                Rewrite(batch, catalog, physical, iterator.Key[FormatOneHashLength..], FormatOneValue.Parse(iterator.Value));
                batch.Delete(StorageColumn.Data, iterator.Key);
                keys++;
                bytes += iterator.Key.Length + iterator.Value.Length;
            }
        }
        if (keys == 0)
        {
            return false;
        }
        batch.Put(StorageColumn.Data, KeyspaceCatalog.Key, catalog.Encode());
        storage.Write(batch, sync: true);
        return true;
    }

    private static void Rewrite(IStorageBatch batch, KeyspaceCatalog catalog, uint physical, ReadOnlySpan<byte> key, FormatOneValue value)
    {
        if (value.ExpiresAtMs != 0)
        {
            batch.Delete(StorageColumn.Expiry, FormatOneExpiryKey(value.ExpiresAtMs, key));
            batch.Put(StorageColumn.Expiry, ExpiryIndexKey.Create(physical, value.ExpiresAtMs, key), []);
        }
        if (value.Type == DataType.String)
        {
            batch.Put(StorageColumn.Data, StoredKey.Create(physical, key), Records.String(value.Text, value.ExpiresAtMs));
            return;
        }
        if (value.Elements.Count == 0)
        {
            return; // format 1 never kept an empty collection; format 2 cannot
        }
        var id = catalog.TakeCollectionId();
        foreach (var (name, element) in value.Elements)
        {
            batch.Put(StorageColumn.Elements, ElementKey.Named(id, name), element);
        }
        batch.Put(StorageColumn.Data, StoredKey.Create(physical, key), Records.Collection(value.Type, value.ExpiresAtMs, default, value.Elements.Count, id));
    }

    /// <summary>Format 1's expiry index key: 8-byte big-endian expiry, then the key.</summary>
    private static byte[] FormatOneExpiryKey(long expiresAtMs, ReadOnlySpan<byte> key)
    {
        var indexKey = new byte[8 + key.Length];
        System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(indexKey, expiresAtMs);
        key.CopyTo(indexKey.AsSpan(8));
        return indexKey;
    }
}
