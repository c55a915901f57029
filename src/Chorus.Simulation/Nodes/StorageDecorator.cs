using Chorus.Storage;

namespace Chorus.Simulation.Nodes;

/// <summary>Forwards everything to the engine it wraps; decorators override what they observe or change.</summary>
public abstract class StorageDecorator(IStorageEngine inner) : IStorageEngine
{
    protected IStorageEngine Inner { get; } = inner;

    public virtual byte[]? Get(StorageColumn column, ReadOnlySpan<byte> key) => Inner.Get(column, key);

    public virtual IStorageIterator NewIterator(StorageColumn column) => Inner.NewIterator(column);

    public virtual IStorageBatch NewBatch() => Inner.NewBatch();

    public virtual void Write(IStorageBatch batch, bool sync) => Inner.Write(batch, sync);

    public virtual void Sync() => Inner.Sync();

    public long ApproximateSize(StorageColumn column) => Inner.ApproximateSize(column);

    public long ApproximateKeyCount(StorageColumn column) => Inner.ApproximateKeyCount(column);

    public void ReclaimSpace(StorageColumn column, ReadOnlySpan<byte> from, ReadOnlySpan<byte> to) => Inner.ReclaimSpace(column, from, to);

    public void Dispose()
    {
        Inner.Dispose();
        GC.SuppressFinalize(this);
    }
}
