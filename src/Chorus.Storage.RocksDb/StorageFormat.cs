using System.Buffers.Binary;

namespace Chorus.Storage.RocksDb;

/// <summary>
/// The on-disk format version, kept under <see cref="VersionKey"/> in the meta column family as
/// a big-endian u32. A build opens its own version, upgrades an older one through the steps its
/// caller registered (docs/storage-layout.md, "Format 1 → 2"), and refuses anything else rather
/// than misreading it.
/// </summary>
public static class StorageFormat
{
    /// <summary>Version 2: key records, one element per storage key, databases 0–15.</summary>
    public const uint CurrentVersion = StorageFormatVersion.Current;

    public static ReadOnlySpan<byte> VersionKey => "format-version"u8;

    public static byte[] EncodeVersion(uint version)
    {
        var bytes = new byte[sizeof(uint)];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, version);
        return bytes;
    }

    internal static void CheckOrInitialize(RocksDbStorageEngine engine, IReadOnlyList<StorageUpgrade> upgrades)
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
        if (version > CurrentVersion || version == 0)
        {
            throw new StorageOpenException(
                $"storage directory '{engine.Directory}' has format version {version}, but this build knows only " +
                $"versions up to {CurrentVersion}; refusing to open it (it was written by a newer Chorus: run that one)");
        }
        for (; version < CurrentVersion; version++)
        {
            Upgrade(engine, version, upgrades);
        }
    }

    /// <summary>Runs the step from <paramref name="version"/>, then records version + 1 (synced: the step is done).</summary>
    private static void Upgrade(RocksDbStorageEngine engine, uint version, IReadOnlyList<StorageUpgrade> upgrades)
    {
        var step = upgrades.FirstOrDefault(u => u.FromVersion == version) ?? throw new StorageOpenException(
            $"storage directory '{engine.Directory}' has format version {version}, written by an older Chorus; this build " +
            $"reads version {CurrentVersion} and upgrades older directories when a node opens them: start `chorus serve` " +
            "on it once (the upgrade runs before the node starts, and a crash part-way resumes on the next start)");
        step.Run(engine);
        using var batch = engine.NewBatch();
        batch.Put(StorageColumn.Meta, VersionKey, EncodeVersion(version + 1));
        engine.Write(batch, sync: true);
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
