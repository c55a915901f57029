using Chorus.Core;
using Chorus.Storage;

namespace Chorus.Commands.Keyspace;

/// <summary>
/// Element writes staged by a group of commands, over the elements column: reads see them, and
/// <see cref="FlushTo"/> turns them into puts and deletes. A null value is a staged deletion.
/// </summary>
internal sealed class StagedElements(IStorageEngine storage)
{
    private readonly Dictionary<byte[], byte[]?> _slots = new(ByteArrayComparer.Instance);
    private readonly Dictionary<ulong, int> _perCollection = [];

    public int Count => _slots.Count;

    /// <summary>The element under <paramref name="elementKey"/> as staged, else as stored; null if absent.</summary>
    public byte[]? Get(ReadOnlySpan<byte> elementKey) =>
        _slots.GetAlternateLookup<ReadOnlySpan<byte>>().TryGetValue(elementKey, out var staged)
            ? staged
            : storage.Get(StorageColumn.Elements, elementKey);

    /// <summary>Stages a value (or a deletion, for null).</summary>
    public void Set(ReadOnlySpan<byte> elementKey, byte[]? value)
    {
        var lookup = _slots.GetAlternateLookup<ReadOnlySpan<byte>>();
        if (!lookup.ContainsKey(elementKey))
        {
            var id = ElementKey.IdOf(elementKey);
            _perCollection[id] = _perCollection.GetValueOrDefault(id) + 1;
        }
        lookup[elementKey] = value;
    }

    /// <summary>A cursor over collection <paramref name="collectionId"/> as staged.</summary>
    public IElementCursor Open(ulong collectionId)
    {
        var stored = new StorageElementCursor(storage, collectionId);
        if (!_perCollection.ContainsKey(collectionId))
        {
            return stored;
        }
        var staged = new List<(byte[] SubKey, byte[]? Value)>();
        foreach (var (key, value) in _slots)
        {
            if (ElementKey.IdOf(key) == collectionId)
            {
                staged.Add((key[ElementKey.IdLength..], value));
            }
        }
        staged.Sort((a, b) => a.SubKey.AsSpan().SequenceCompareTo(b.SubKey));
        return new MergedElementCursor(stored, staged);
    }

    public void FlushTo(IStorageBatch batch)
    {
        foreach (var (key, value) in _slots)
        {
            if (value is null)
            {
                batch.Delete(StorageColumn.Elements, key);
            }
            else
            {
                batch.Put(StorageColumn.Elements, key, value);
            }
        }
    }

    public void Clear()
    {
        _slots.Clear();
        _perCollection.Clear();
    }
}
