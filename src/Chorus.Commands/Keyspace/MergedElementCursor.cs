namespace Chorus.Commands.Keyspace;

/// <summary>
/// A collection's elements as a group of writes sees them: the stored ones overlaid with the
/// staged ones (a staged null hides a stored element). Both inputs are in sub-key order; the cursor
/// merges them, the staged side winning ties. Changing direction re-seeks from the current element.
/// </summary>
internal sealed class MergedElementCursor(IElementCursor stored, List<(byte[] SubKey, byte[]? Value)> staged) : IElementCursor
{
    private int _index;
    private bool _fromStaged;
    private bool _forward = true;
    private bool _valid;

    public bool Valid => _valid;

    public ReadOnlySpan<byte> SubKey => _fromStaged ? staged[_index].SubKey : stored.SubKey;

    public ReadOnlySpan<byte> Value => _fromStaged ? staged[_index].Value! : stored.Value;

    public void SeekToFirst()
    {
        stored.SeekToFirst();
        _index = 0;
        SettleForward();
    }

    public void SeekToLast()
    {
        stored.SeekToLast();
        _index = staged.Count - 1;
        SettleBackward();
    }

    public void Seek(ReadOnlySpan<byte> subKey)
    {
        stored.Seek(subKey);
        _index = FirstStagedAtOrAfter(subKey);
        SettleForward();
    }

    public void SeekForPrev(ReadOnlySpan<byte> subKey)
    {
        stored.SeekForPrev(subKey);
        _index = FirstStagedAtOrAfter(subKey);
        if (_index == staged.Count || staged[_index].SubKey.AsSpan().SequenceCompareTo(subKey) > 0)
        {
            _index--;
        }
        SettleBackward();
    }

    public void Next()
    {
        if (!_forward)
        {
            var current = SubKey.ToArray();
            Seek(current);
            if (_valid && SubKey.SequenceEqual(current))
            {
                Next();
            }
            return;
        }
        Advance();
        SettleForward();
    }

    public void Prev()
    {
        if (_forward)
        {
            var current = SubKey.ToArray();
            SeekForPrev(current);
            if (_valid && SubKey.SequenceEqual(current))
            {
                Prev();
            }
            return;
        }
        Advance();
        SettleBackward();
    }

    public void Dispose() => stored.Dispose();

    /// <summary>Moves past the current element on the side it came from.</summary>
    private void Advance()
    {
        if (_fromStaged)
        {
            _index += _forward ? 1 : -1;
        }
        else if (_forward)
        {
            stored.Next();
        }
        else
        {
            stored.Prev();
        }
    }

    private void SettleForward()
    {
        _forward = true;
        while (true)
        {
            var hasStaged = _index < staged.Count;
            if (!stored.Valid && !hasStaged)
            {
                _valid = false;
                return;
            }
            var order = !hasStaged ? 1 : !stored.Valid ? -1 : staged[_index].SubKey.AsSpan().SequenceCompareTo(stored.SubKey);
            if (order > 0)
            {
                _fromStaged = false;
                _valid = true;
                return;
            }
            if (order == 0)
            {
                stored.Next();
            }
            if (staged[_index].Value is not null)
            {
                _fromStaged = true;
                _valid = true;
                return;
            }
            _index++;
        }
    }

    private void SettleBackward()
    {
        _forward = false;
        while (true)
        {
            var hasStaged = _index >= 0;
            if (!stored.Valid && !hasStaged)
            {
                _valid = false;
                return;
            }
            var order = !hasStaged ? -1 : !stored.Valid ? 1 : staged[_index].SubKey.AsSpan().SequenceCompareTo(stored.SubKey);
            if (order < 0)
            {
                _fromStaged = false;
                _valid = true;
                return;
            }
            if (order == 0)
            {
                stored.Prev();
            }
            if (staged[_index].Value is not null)
            {
                _fromStaged = true;
                _valid = true;
                return;
            }
            _index--;
        }
    }

    private int FirstStagedAtOrAfter(ReadOnlySpan<byte> subKey)
    {
        int low = 0, high = staged.Count;
        while (low < high)
        {
            var middle = (low + high) / 2;
            if (staged[middle].SubKey.AsSpan().SequenceCompareTo(subKey) < 0)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }
        return low;
    }
}
