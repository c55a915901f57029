namespace Chorus.Commands.Keyspace;

/// <summary>
/// A cursor over one collection's elements in sub-key order (docs/storage-layout.md, "Elements").
/// <see cref="SubKey"/> and <see cref="Value"/> are valid until the next move. Call a Seek method
/// first.
/// </summary>
public interface IElementCursor : IDisposable
{
    bool Valid { get; }

    /// <summary>The element's key without the collection id.</summary>
    ReadOnlySpan<byte> SubKey { get; }

    ReadOnlySpan<byte> Value { get; }

    void SeekToFirst();

    void SeekToLast();

    /// <summary>Moves to the first element whose sub-key is at or after <paramref name="subKey"/>.</summary>
    void Seek(ReadOnlySpan<byte> subKey);

    /// <summary>Moves to the last element whose sub-key is at or before <paramref name="subKey"/>.</summary>
    void SeekForPrev(ReadOnlySpan<byte> subKey);

    void Next();

    void Prev();
}
