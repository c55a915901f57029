using Chorus.Storage;

namespace Chorus.Commands.Keyspace;

/// <summary>A collection's elements as stored: a storage iterator kept inside the collection's id prefix.</summary>
internal sealed class StorageElementCursor : IElementCursor
{
    private readonly IStorageIterator _iterator;
    private readonly byte[] _start;
    private readonly byte[] _end;
    private byte[] _target = new byte[64];

    public StorageElementCursor(IStorageEngine storage, ulong collectionId)
    {
        _iterator = storage.NewIterator(StorageColumn.Elements);
        _start = ElementKey.CollectionStart(collectionId);
        _end = ElementKey.CollectionEnd(collectionId);
    }

    public bool Valid => _iterator.Valid && _iterator.Key.StartsWith(_start);

    public ReadOnlySpan<byte> SubKey => ElementKey.SubKeyOf(_iterator.Key);

    public ReadOnlySpan<byte> Value => _iterator.Value;

    public void SeekToFirst() => _iterator.Seek(_start);

    // No sub-key is empty, so no element key equals the next collection's bare id.
    public void SeekToLast() => _iterator.SeekForPrev(_end);

    public void Seek(ReadOnlySpan<byte> subKey) => _iterator.Seek(Target(subKey));

    public void SeekForPrev(ReadOnlySpan<byte> subKey) => _iterator.SeekForPrev(Target(subKey));

    public void Next() => _iterator.Next();

    public void Prev() => _iterator.Prev();

    public void Dispose() => _iterator.Dispose();

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
