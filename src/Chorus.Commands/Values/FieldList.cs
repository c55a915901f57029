using System.Collections;
using Chorus.Core;

namespace Chorus.Commands.Values;

/// <summary>
/// A hash's fields, mutable, in insertion order. The order is part of the encoding, so it must
/// only depend on the sequence of changes (never on per-process hash codes).
/// </summary>
public sealed class FieldList : IEnumerable<(byte[] Field, byte[] Value)>
{
    private readonly List<(byte[] Field, byte[] Value)> _items = [];
    private readonly Dictionary<byte[], int> _index = new(ByteArrayComparer.Instance);

    public int Count => _items.Count;

    public int EncodedLengthEstimate { get; private set; }

    public static FieldList Decode(ReadOnlySpan<byte> payload)
    {
        var list = new FieldList();
        foreach (var pair in HashValue.Enumerate(payload))
        {
            list.Set(pair.Field.ToArray(), pair.Value.ToArray());
        }
        return list;
    }

    public bool TryGet(ReadOnlySpan<byte> field, out byte[] value)
    {
        if (_index.GetAlternateLookup<ReadOnlySpan<byte>>().TryGetValue(field, out var i))
        {
            value = _items[i].Value;
            return true;
        }
        value = [];
        return false;
    }

    /// <summary>Sets a field; returns its previous value, or null if it is new.</summary>
    public byte[]? Set(byte[] field, byte[] value)
    {
        if (_index.TryGetValue(field, out var i))
        {
            var old = _items[i].Value;
            _items[i] = (_items[i].Field, value);
            EncodedLengthEstimate += value.Length - old.Length;
            return old;
        }
        _index[field] = _items.Count;
        _items.Add((field, value));
        EncodedLengthEstimate += field.Length + value.Length + 4;
        return null;
    }

    /// <summary>Removes a field; returns its value, or null if it was absent.</summary>
    public byte[]? Remove(ReadOnlySpan<byte> field)
    {
        if (!_index.GetAlternateLookup<ReadOnlySpan<byte>>().Remove(field, out _, out var i))
        {
            return null;
        }
        var removed = _items[i];
        _items.RemoveAt(i);
        for (var j = i; j < _items.Count; j++)
        {
            _index[_items[j].Field] = j;
        }
        EncodedLengthEstimate -= removed.Field.Length + removed.Value.Length + 4;
        return removed.Value;
    }

    public IEnumerator<(byte[] Field, byte[] Value)> GetEnumerator() => _items.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
