namespace Chorus.Storage;

/// <summary>
/// The version of the on-disk layout this build writes (docs/storage-layout.md): the RocksDB
/// engine keeps it under <c>format-version</c> in the meta column, and the physical log format
/// (WAL shipping) stamps it on every entry, since its bytes mean something only to a node that
/// lays out its data the same way.
/// </summary>
public static class StorageFormatVersion
{
    /// <summary>Version 2: key records, one element per storage key, databases 0–15.</summary>
    public const uint Current = 2;
}
