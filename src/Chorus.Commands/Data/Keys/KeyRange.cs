using Chorus.Commands.Keyspace;
using Chorus.Storage;

namespace Chorus.Commands.Data.Keys;

/// <summary>Walks the records of one physical database in hash order (KEYS, SCAN, DBSIZE, RANDOMKEY).</summary>
internal sealed class KeyRange : IDisposable
{
    private readonly IStorageIterator _iterator;
    private readonly byte[] _end;
    private readonly uint _db;

    public KeyRange(IStorageEngine storage, uint physicalDb)
    {
        _iterator = storage.NewIterator(StorageColumn.Data);
        _db = physicalDb;
        _end = PhysicalDb.End(physicalDb);
    }

    public bool Valid => _iterator.Valid && _iterator.Key.SequenceCompareTo(_end) < 0;

    public ReadOnlySpan<byte> Key => StoredKey.UserKey(_iterator.Key);

    public ulong Hash => StoredKey.HashOf(_iterator.Key);

    public ReadOnlySpan<byte> Record => _iterator.Value;

    public void SeekToFirst() => _iterator.Seek(PhysicalDb.Start(_db));

    /// <summary>Moves to the first key whose hash is at least <paramref name="hash"/>.</summary>
    public void Seek(ulong hash) => _iterator.Seek(StoredKey.SeekTarget(_db, hash));

    public void Next() => _iterator.Next();

    public void Dispose() => _iterator.Dispose();
}
