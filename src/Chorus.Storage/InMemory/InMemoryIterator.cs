namespace Chorus.Storage.InMemory;

/// <summary>
/// Iterator over an <see cref="InMemoryStorageEngine"/> column. Each move re-seeks from the
/// current key, so it tolerates concurrent writes (it sees them, unlike a RocksDB iterator,
/// which reads a snapshot).
/// </summary>
internal sealed class InMemoryIterator(InMemoryStorageEngine engine, StorageColumn column) : IStorageIterator
{
    private byte[]? _key;
    private byte[]? _value;

    public bool Valid => _key is not null;

    public ReadOnlySpan<byte> Key => _key ?? throw new InvalidOperationException("iterator is not positioned");

    public ReadOnlySpan<byte> Value => _value ?? throw new InvalidOperationException("iterator is not positioned");

    public void Seek(ReadOnlySpan<byte> key) => MoveTo(engine.Ceiling(column, key.ToArray(), exclusive: false), forward: true);

    public void SeekForPrev(ReadOnlySpan<byte> key) => MoveTo(engine.Floor(column, key.ToArray(), exclusive: false), forward: false);

    public void SeekToFirst() => MoveTo(engine.First(column), forward: true);

    public void SeekToLast() => MoveTo(engine.Last(column), forward: false);

    public void Next() => MoveTo(engine.Ceiling(column, RequireKey(), exclusive: true), forward: true);

    public void Prev() => MoveTo(engine.Floor(column, RequireKey(), exclusive: true), forward: false);

    public void Dispose()
    {
    }

    private byte[] RequireKey() => _key ?? throw new InvalidOperationException("iterator is not positioned");

    private void MoveTo(byte[]? key, bool forward)
    {
        // A key found by one locked call may be deleted before the next; skip past it.
        while (key is not null)
        {
            var value = engine.Get(column, key);
            if (value is not null)
            {
                _key = key;
                _value = value;
                return;
            }
            key = forward ? engine.Ceiling(column, key, exclusive: true) : engine.Floor(column, key, exclusive: true);
        }
        _key = null;
        _value = null;
    }
}
