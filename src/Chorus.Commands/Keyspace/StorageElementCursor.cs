using Chorus.Storage;

namespace Chorus.Commands.Keyspace;

/// <summary>A collection's elements as stored: a storage iterator kept inside the collection's id prefix.</summary>
internal sealed class StorageElementCursor : IElementCursor
{
    private readonly IStorageIterator _iterator;
    private readonly byte[] _start;
    private readonly byte[] _end;
    private byte[] _target = new byte[64];
    private bool _valid;

    public StorageElementCursor(IStorageEngine storage, ulong collectionId)
    {
        _iterator = storage.NewIterator(StorageColumn.Elements);
        _start = ElementKey.CollectionStart(collectionId);
        _end = ElementKey.CollectionEnd(collectionId);
    }

    /// <summary>Inside the collection; learnt once per move (each look at the key is a native call on RocksDB).</summary>
    public bool Valid => _valid;

    public ReadOnlySpan<byte> SubKey => ElementKey.SubKeyOf(_iterator.Key);

    public ReadOnlySpan<byte> Value => _iterator.Value;

    public void SeekToFirst()
    {
        _iterator.Seek(_start);
        Settle();
    }

    // No sub-key is empty, so no element key equals the next collection's bare id.
    public void SeekToLast()
    {
        _iterator.SeekForPrev(_end);
        Settle();
    }

    public void Seek(ReadOnlySpan<byte> subKey)
    {
        _iterator.Seek(Target(subKey));
        Settle();
    }

    public void SeekForPrev(ReadOnlySpan<byte> subKey)
    {
        _iterator.SeekForPrev(Target(subKey));
        Settle();
    }

    public void Next()
    {
        _iterator.Next();
        Settle();
    }

    public void Prev()
    {
        _iterator.Prev();
        Settle();
    }

    public void Dispose() => _iterator.Dispose();

    private void Settle() => _valid = _iterator.Valid && _iterator.Key.StartsWith(_start);

    private ReadOnlySpan<byte> Target(ReadOnlySpan<byte> subKey)
    {
        var length = ElementKey.IdLength + subKey.Length;
        if (_target.Length < length)
        {
            _target = new byte[length * 2];
        }
        _start.CopyTo(_target, 0);
        subKey.CopyTo(_target.AsSpan(ElementKey.IdLength));
        return _target.AsSpan(0, length);
    }
}
