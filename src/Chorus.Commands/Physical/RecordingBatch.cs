using Chorus.Storage;

namespace Chorus.Commands.Physical;

/// <summary>
/// A storage batch that only records its writes, in order: what the leader's staged keyspace
/// would write for one client write, captured to be shipped as a physical log entry.
/// </summary>
public sealed class RecordingBatch : IStorageBatch
{
    private readonly List<StorageOp> _ops = [];

    public IReadOnlyList<StorageOp> Ops => _ops;

    public int Count => _ops.Count;

    public void Put(StorageColumn column, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value) =>
        _ops.Add(StorageOp.Put(column, key.ToArray(), value.ToArray()));

    public void Delete(StorageColumn column, ReadOnlySpan<byte> key) => _ops.Add(StorageOp.Delete(column, key.ToArray()));

    public void DeleteRange(StorageColumn column, ReadOnlySpan<byte> fromInclusive, ReadOnlySpan<byte> toExclusive) =>
        _ops.Add(new StorageOp(StorageOpKind.DeleteRange, column, fromInclusive.ToArray(), toExclusive.ToArray()));

    public void Clear() => _ops.Clear();

    public void Dispose()
    {
    }
}
