namespace Chorus.Storage.InMemory;

/// <summary>Buffered operations for <see cref="InMemoryStorageEngine"/>.</summary>
internal sealed class InMemoryBatch : IStorageBatch
{
    internal enum OpKind : byte { Put, Delete, DeleteRange }

    internal readonly record struct Op(OpKind Kind, StorageColumn Column, byte[] Key, byte[] Value);

    internal List<Op> Ops { get; } = [];

    public int Count => Ops.Count;

    public void Put(StorageColumn column, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value) =>
        Ops.Add(new Op(OpKind.Put, column, key.ToArray(), value.ToArray()));

    public void Delete(StorageColumn column, ReadOnlySpan<byte> key) =>
        Ops.Add(new Op(OpKind.Delete, column, key.ToArray(), []));

    public void DeleteRange(StorageColumn column, ReadOnlySpan<byte> fromInclusive, ReadOnlySpan<byte> toExclusive) =>
        Ops.Add(new Op(OpKind.DeleteRange, column, fromInclusive.ToArray(), toExclusive.ToArray()));

    public void Clear() => Ops.Clear();

    public void Dispose()
    {
    }
}
