using Chorus.Storage;

namespace Chorus.Commands.Physical;

public enum StorageOpKind : byte
{
    Put = 1,
    Delete = 2,

    /// <summary>Deletes [key, end).</summary>
    DeleteRange = 3,
}

/// <summary>
/// One write of a storage batch, byte for byte: a column family, a storage key and (for a put)
/// the value, (for a range delete) the end of the range.
/// </summary>
public readonly record struct StorageOp(StorageOpKind Kind, StorageColumn Column, byte[] Key, byte[] Value)
{
    public static StorageOp Put(StorageColumn column, byte[] key, byte[] value) => new(StorageOpKind.Put, column, key, value);

    public static StorageOp Delete(StorageColumn column, byte[] key) => new(StorageOpKind.Delete, column, key, []);

    /// <summary>Adds this write to <paramref name="batch"/>.</summary>
    public void WriteTo(IStorageBatch batch)
    {
        switch (Kind)
        {
            case StorageOpKind.Put:
                batch.Put(Column, Key, Value);
                break;
            case StorageOpKind.Delete:
                batch.Delete(Column, Key);
                break;
            default:
                batch.DeleteRange(Column, Key, Value);
                break;
        }
    }
}
