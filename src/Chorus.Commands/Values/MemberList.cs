using System.Collections;
using Chorus.Core;

namespace Chorus.Commands.Values;

/// <summary>
/// A set's members, mutable, in insertion order (deterministic: see <see cref="FieldList"/>).
/// Removal swaps the last member into the hole, so it is O(1) and still deterministic.
/// </summary>
public sealed class MemberList : IEnumerable<byte[]>
{
    private readonly List<byte[]> _items = [];
    private readonly Dictionary<byte[], int> _index = new(ByteArrayComparer.Instance);

    public int Count => _items.Count;

    public int EncodedLengthEstimate { get; private set; }

    public byte[] this[int index] => _items[index];

    public static MemberList Decode(ReadOnlySpan<byte> payload)
    {
        var list = new MemberList();
        foreach (var member in SetValue.Enumerate(payload))
        {
            list.Add(member.ToArray());
        }
        return list;
    }

    public bool Contains(ReadOnlySpan<byte> member) => _index.GetAlternateLookup<ReadOnlySpan<byte>>().ContainsKey(member);

    /// <summary>Adds a member; false if it was already there.</summary>
    public bool Add(byte[] member)
    {
        if (!_index.TryAdd(member, _items.Count))
        {
            return false;
        }
        _items.Add(member);
        EncodedLengthEstimate += member.Length + 2;
        return true;
    }

    /// <summary>Removes a member; false if it was absent.</summary>
    public bool Remove(ReadOnlySpan<byte> member)
    {
        if (!_index.GetAlternateLookup<ReadOnlySpan<byte>>().Remove(member, out _, out var i))
        {
            return false;
        }
        var last = _items.Count - 1;
        EncodedLengthEstimate -= _items[i].Length + 2;
        if (i != last)
        {
            _items[i] = _items[last];
            _index[_items[i]] = i;
        }
        _items.RemoveAt(last);
        return true;
    }

    public IEnumerator<byte[]> GetEnumerator() => _items.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
