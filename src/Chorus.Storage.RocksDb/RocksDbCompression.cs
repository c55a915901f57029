namespace Chorus.Storage.RocksDb;

/// <summary>
/// Block compression for SST files. Our own enum so callers need not reference RocksDbSharp.
/// </summary>
public enum RocksDbCompression
{
    None,

    /// <summary>Fast and cheap on CPU; linked into the bundled librocksdb (checked when opening).</summary>
    Lz4,

    /// <summary>Smaller files for more CPU; also linked into the bundled librocksdb.</summary>
    Zstd,
}
