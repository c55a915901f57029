using Chorus.Core;

namespace Chorus.Storage.InMemory;

/// <summary>One ordered column family held in memory.</summary>
internal sealed class InMemoryTable
{
    private readonly SortedSet<byte[]> _keys = new(ByteArrayComparer.Instance);
    private readonly Dictionary<byte[], byte[]> _values = new(ByteArrayComparer.Instance);

    public int Count => _values.Count;

    public long Bytes { get; private set; }

    public byte[]? Get(ReadOnlySpan<byte> key) =>
        _values.GetAlternateLookup<ReadOnlySpan<byte>>() is var lookup && lookup.TryGetValue(key, out var value) ? value : null;

    public void Put(byte[] key, byte[] value)
    {
        if (_values.TryGetValue(key, out var old))
        {
            Bytes -= key.Length + old.Length;
        }
        else
        {
            _keys.Add(key);
        }
        _values[key] = value;
        Bytes += key.Length + value.Length;
    }

    public void Delete(byte[] key)
    {
        if (_values.Remove(key, out var old))
        {
            _keys.Remove(key);
            Bytes -= key.Length + old.Length;
        }
    }

    public void DeleteRange(byte[] from, byte[] to)
    {
        if (ByteArrayComparer.Instance.Compare(from, to) >= 0)
        {
            return;
        }
        foreach (var key in _keys.GetViewBetween(from, to).ToArray())
        {
            if (ByteArrayComparer.Instance.Compare(key, to) < 0)
            {
                Delete(key);
            }
        }
    }

    /// <summary>First key ≥ <paramref name="key"/> (or &gt; when <paramref name="exclusive"/>).</summary>
    public byte[]? Ceiling(byte[] key, bool exclusive)
    {
        if (_keys.Count == 0 || ByteArrayComparer.Instance.Compare(key, _keys.Max) > 0)
        {
            return null;
        }
        foreach (var candidate in _keys.GetViewBetween(key, _keys.Max!))
        {
            if (!exclusive || ByteArrayComparer.Instance.Compare(candidate, key) > 0)
            {
                return candidate;
            }
        }
        return null;
    }

    /// <summary>Last key ≤ <paramref name="key"/> (or &lt; when <paramref name="exclusive"/>).</summary>
    public byte[]? Floor(byte[] key, bool exclusive)
    {
        if (_keys.Count == 0 || ByteArrayComparer.Instance.Compare(key, _keys.Min) < 0)
        {
            return null;
        }
        foreach (var candidate in _keys.GetViewBetween(_keys.Min!, key).Reverse())
        {
            if (!exclusive || ByteArrayComparer.Instance.Compare(candidate, key) < 0)
            {
                return candidate;
            }
        }
        return null;
    }

    public byte[]? First => _keys.Count == 0 ? null : _keys.Min;

    public byte[]? Last => _keys.Count == 0 ? null : _keys.Max;

    public InMemoryTable Clone()
    {
        var copy = new InMemoryTable();
        foreach (var (key, value) in _values)
        {
            copy.Put(key, value);
        }
        return copy;
    }
}
