namespace Chorus.Storage;

/// <summary>A set of writes applied atomically by <see cref="IStorageEngine.Write"/>.</summary>
public interface IStorageBatch : IDisposable
{
    void Put(StorageColumn column, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value);

    void Delete(StorageColumn column, ReadOnlySpan<byte> key);

    /// <summary>Deletes every key in [<paramref name="fromInclusive"/>, <paramref name="toExclusive"/>).</summary>
    void DeleteRange(StorageColumn column, ReadOnlySpan<byte> fromInclusive, ReadOnlySpan<byte> toExclusive);

    /// <summary>Operations in the batch.</summary>
    int Count { get; }

    void Clear();
}
