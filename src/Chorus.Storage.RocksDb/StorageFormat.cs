using System.Buffers.Binary;

namespace Chorus.Storage.RocksDb;

/// <summary>
/// The on-disk format version, kept under <see cref="VersionKey"/> in the meta column family as
/// a big-endian u32. A build refuses a database whose version it does not know rather than
/// misreading it.
/// </summary>
public static class StorageFormat
{
    public const uint CurrentVersion = 1;

    public static ReadOnlySpan<byte> VersionKey => "format-version"u8;

    public static byte[] EncodeVersion(uint version)
    {
        var bytes = new byte[sizeof(uint)];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, version);
        return bytes;
    }

    internal static void CheckOrInitialize(RocksDbStorageEngine engine)
    {
        var stored = engine.Get(StorageColumn.Meta, VersionKey);
        if (stored is null)
        {
            Initialize(engine);
            return;
        }
        if (stored.Length != sizeof(uint))
        {
            throw new StorageOpenException(
                $"storage directory '{engine.Directory}' has an unreadable format-version ({stored.Length} bytes); refusing to open it");
        }
        var version = BinaryPrimitives.ReadUInt32BigEndian(stored);
        if (version != CurrentVersion)
        {
            throw new StorageOpenException(
                $"storage directory '{engine.Directory}' has format version {version}, but this build knows only " +
                $"version {CurrentVersion}; refusing to open it");
        }
    }

    /// <summary>
    /// Only an empty database gets a version: data without one was not written by Chorus. An empty
    /// one may be new, or a crash may have come between creating it and writing the version.
    /// </summary>
    private static void Initialize(RocksDbStorageEngine engine)
    {
        if (!StorageColumns.All.All(column => IsEmpty(engine, column)))
        {
            throw new StorageOpenException(
                $"storage directory '{engine.Directory}' holds data but no format-version: it was not written " +
                "by Chorus; refusing to open it");
        }
        using var batch = engine.NewBatch();
        batch.Put(StorageColumn.Meta, VersionKey, EncodeVersion(CurrentVersion));
        engine.Write(batch, sync: true);
    }

    private static bool IsEmpty(RocksDbStorageEngine engine, StorageColumn column)
    {
        using var iterator = engine.NewIterator(column);
        iterator.SeekToFirst();
        return !iterator.Valid;
    }
}
