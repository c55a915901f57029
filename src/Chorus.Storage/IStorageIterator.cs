namespace Chorus.Storage;

/// <summary>
/// A cursor over one column family in key order. <see cref="Key"/> and <see cref="Value"/>
/// are valid until the next move.
/// </summary>
public interface IStorageIterator : IDisposable
{
    bool Valid { get; }

    ReadOnlySpan<byte> Key { get; }

    ReadOnlySpan<byte> Value { get; }

    /// <summary>Moves to the first key at or after <paramref name="key"/>.</summary>
    void Seek(ReadOnlySpan<byte> key);

    /// <summary>Moves to the last key at or before <paramref name="key"/>.</summary>
    void SeekForPrev(ReadOnlySpan<byte> key);

    void SeekToFirst();

    void SeekToLast();

    void Next();

    void Prev();
}
