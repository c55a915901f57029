namespace Chorus.Storage.RocksDb;

/// <summary>Tuning for <see cref="RocksDbStorageEngine"/>; the defaults suit a small two-core node.</summary>
public sealed record RocksDbStorageOptions
{
    public static readonly RocksDbStorageOptions Default = new();

    /// <summary>One LRU block cache shared by every column family.</summary>
    public long BlockCacheBytes { get; init; } = 64L << 20;

    /// <summary>
    /// The newest data-column records kept in memory in front of RocksDB's point reads (0: none).
    /// Every write reads its key first; without it that read searches the memtable's skiplist.
    /// </summary>
    public long RecordCacheBytes { get; init; } = 32L << 20;

    /// <summary>
    /// The newest elements-column entries (hash fields, set members, sorted-set members, list
    /// elements) kept in memory in front of RocksDB's point reads (0: none). Every HSET, SADD,
    /// ZADD, HDEL, SREM reads the element it names; without it that read goes through a memtable
    /// skiplist and the SST files' block cache.
    /// </summary>
    public long ElementCacheBytes { get; init; } = 32L << 20;

    /// <summary>
    /// Memtable size per column family. Smaller than RocksDB's 64 MiB default because five column
    /// families each keep up to two memtables.
    /// </summary>
    public long WriteBufferBytes { get; init; } = 16L << 20;

    /// <summary>
    /// When RocksDB's write-ahead log files together pass this, it flushes the column families
    /// that keep the oldest of them alive, so they can be deleted. Every write batch touches
    /// several column families, and one that fills slowly (meta, expiry) otherwise pins every
    /// WAL file until RocksDB's own default cap of four times all memtables (768 MiB here): the
    /// WAL was most of a fresh node's footprint (145 of 171 MB after 500k SETs).
    /// </summary>
    public long MaxTotalWalBytes { get; init; } = 64L << 20;

    /// <summary>Flush and compaction threads; the target machine has two cores.</summary>
    public int BackgroundJobs { get; init; } = 2;

    public RocksDbCompression Compression { get; init; } = RocksDbCompression.Lz4;

    /// <summary>Bloom filter size for the point-lookup column families (data, meta); 10 bits ≈ 1% false positives.</summary>
    public int BloomBitsPerKey { get; init; } = 10;

    /// <summary>RocksDB's own LOG files kept in the directory: a limit so they cannot fill the disk.</summary>
    public int InfoLogFilesMax { get; init; } = 5;

    /// <summary>
    /// Steps that bring an older directory to <see cref="StorageFormat.CurrentVersion"/> when it is
    /// opened (the server registers the keyspace's). None by default: an older directory is refused.
    /// </summary>
    public IReadOnlyList<StorageUpgrade> Upgrades { get; init; } = [];

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(BlockCacheBytes, 0, nameof(BlockCacheBytes));
        ArgumentOutOfRangeException.ThrowIfLessThan(RecordCacheBytes, 0, nameof(RecordCacheBytes));
        ArgumentOutOfRangeException.ThrowIfLessThan(ElementCacheBytes, 0, nameof(ElementCacheBytes));
        ArgumentOutOfRangeException.ThrowIfLessThan(WriteBufferBytes, 64L << 10, nameof(WriteBufferBytes));
        ArgumentOutOfRangeException.ThrowIfLessThan(BackgroundJobs, 1, nameof(BackgroundJobs));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxTotalWalBytes, WriteBufferBytes, nameof(MaxTotalWalBytes));
        ArgumentOutOfRangeException.ThrowIfLessThan(BloomBitsPerKey, 1, nameof(BloomBitsPerKey));
        ArgumentOutOfRangeException.ThrowIfLessThan(InfoLogFilesMax, 1, nameof(InfoLogFilesMax));
    }
}
