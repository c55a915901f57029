using RocksDbSharp;

namespace Chorus.Storage.RocksDb;

/// <summary>Turns <see cref="RocksDbStorageOptions"/> into RocksDB's native options.</summary>
internal static class RocksDbConfiguration
{
    public static DbOptions DbOptions(RocksDbStorageOptions options) =>
        new DbOptions()
            .SetCreateIfMissing(true)
            .SetCreateMissingColumnFamilies(true)
            // Sets max_background_jobs and sizes the (process-wide) background thread pools.
            .IncreaseParallelism(options.BackgroundJobs)
            .SetMaxTotalWalSize((ulong)options.MaxTotalWalBytes)
            .SetKeepLogFileNum((ulong)options.InfoLogFilesMax);

    /// <summary>
    /// Every column family of <see cref="StorageColumns.All"/>. RocksDB's "default" family is
    /// always present (ColumnFamilies adds it) but unused.
    /// </summary>
    public static ColumnFamilies ColumnFamilies(RocksDbStorageOptions options)
    {
        var cache = Cache.CreateLru((ulong)options.BlockCacheBytes);
        var families = new ColumnFamilies(Family(options, cache, bloom: false));
        foreach (var column in StorageColumns.All)
        {
            families.Add(StorageColumns.Name(column), Family(options, cache, UsesBloomFilter(column)));
        }
        return families;
    }

    /// <summary>
    /// Point lookups go to data, elements (HGET, SISMEMBER, and every write's before-image) and
    /// meta; the log and the expiry index are only scanned in order, where a bloom filter costs
    /// memory and helps nothing.
    /// </summary>
    private static bool UsesBloomFilter(StorageColumn column) =>
        column is StorageColumn.Data or StorageColumn.Elements or StorageColumn.Meta;

    private static ColumnFamilyOptions Family(RocksDbStorageOptions options, Cache cache, bool bloom)
    {
        var table = new BlockBasedTableOptions().SetBlockCache(cache);
        if (bloom)
        {
            table.SetFilterPolicy(BloomFilterPolicy.Create(options.BloomBitsPerKey, false));
        }
        return new ColumnFamilyOptions()
            .SetWriteBufferSize((ulong)options.WriteBufferBytes)
            .SetCompression(Native(options.Compression))
            .SetBlockBasedTableFactory(table);
    }

    private static Compression Native(RocksDbCompression compression) => compression switch
    {
        RocksDbCompression.None => Compression.No,
        RocksDbCompression.Lz4 => Compression.Lz4,
        RocksDbCompression.Zstd => Compression.Zstd,
        _ => throw new ArgumentOutOfRangeException(nameof(compression)),
    };
}
