using RocksDbSharp;

namespace Chorus.Storage.RocksDb;

/// <summary>
/// A RocksDB iterator over one column family. It reads the snapshot taken when it was created;
/// <see cref="Key"/> and <see cref="Value"/> point into RocksDB's memory until the next move.
/// Whether it is positioned is learnt once per move and remembered: a walk over a collection asks
/// for it several times per element, and each question would otherwise cross into native code.
/// </summary>
internal sealed class RocksDbIterator(RocksDbStorageEngine owner, Iterator iterator) : IStorageIterator
{
    private Iterator? _iterator = iterator;
    private bool _valid;

    public bool Valid => _iterator is null ? throw new ObjectDisposedException(nameof(RocksDbIterator)) : _valid;

    public ReadOnlySpan<byte> Key => Positioned().GetKeySpan();

    public ReadOnlySpan<byte> Value => Positioned().GetValueSpan();

    public void Seek(ReadOnlySpan<byte> key) => Checked(Live.Seek(key));

    public void SeekForPrev(ReadOnlySpan<byte> key) => Checked(Live.SeekForPrev(key));

    public void SeekToFirst() => Checked(Live.SeekToFirst());

    public void SeekToLast() => Checked(Live.SeekToLast());

    // RocksDB's Next and Prev require a valid position (undefined behaviour otherwise).
    public void Next() => Checked(Positioned().Next());

    public void Prev() => Checked(Positioned().Prev());

    public void Dispose() => owner.Release(this);

    /// <summary>Destroys the native iterator; called once, by the engine, under its iterator lock.</summary>
    internal void DestroyNative()
    {
        _iterator?.Dispose();
        _iterator = null;
        _valid = false;
    }

    // A disposed RocksDbSharp iterator passes a null handle to native code, which crashes the process.
    private Iterator Live => _iterator ?? throw new ObjectDisposedException(nameof(RocksDbIterator));

    private Iterator Positioned()
    {
        var live = Live;
        return _valid ? live : throw new InvalidOperationException("iterator is not positioned");
    }

    /// <summary>An iterator that hit an IO error or corruption also reads as "not valid"; tell the two apart.</summary>
    private void Checked(Iterator moved)
    {
        _valid = moved.Valid();
        if (!_valid)
        {
            Native.Instance.rocksdb_iter_get_error(moved.Handle);
        }
    }
}
