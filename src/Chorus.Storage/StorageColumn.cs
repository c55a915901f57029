namespace Chorus.Storage;

/// <summary>
/// The column families of a node's database (RocksDB column families; in-memory tables).
/// </summary>
public enum StorageColumn : byte
{
    /// <summary>Key records: physical database · key hash · key → record (docs/storage-layout.md).</summary>
    Data = 0,

    /// <summary>Replication log: big-endian LSN → encoded entry.</summary>
    Log = 1,

    /// <summary>Node metadata: identity, epoch, vote, applied LSN, membership.</summary>
    Meta = 2,

    /// <summary>Expiry index: big-endian expiry ms + stored key → empty. Lets the leader find due keys without a scan.</summary>
    Expiry = 3,

    /// <summary>Collection elements: collection id · element sub-key → element value.</summary>
    Elements = 4,

    /// <summary>
    /// Records a replication family keeps for this node alone, never replicated as such (leaderless:
    /// hinted-handoff hints held for nodes that were down).
    /// </summary>
    Local = 5,
}

public static class StorageColumns
{
    public static readonly StorageColumn[] All = [StorageColumn.Data, StorageColumn.Log, StorageColumn.Meta, StorageColumn.Expiry, StorageColumn.Elements, StorageColumn.Local];

    public static string Name(StorageColumn column) => column switch
    {
        StorageColumn.Data => "data",
        StorageColumn.Log => "log",
        StorageColumn.Meta => "meta",
        StorageColumn.Expiry => "expiry",
        StorageColumn.Elements => "elements",
        StorageColumn.Local => "local",
        _ => throw new ArgumentOutOfRangeException(nameof(column)),
    };
}
