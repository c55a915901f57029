namespace Chorus.Simulation.Checkers.Sessions;

/// <summary>
/// One session's acknowledged appends to one key, in session order, with the furthest canonical
/// position among those before any point: a read that is a canonical prefix shows all of them
/// exactly when it is longer than that position.
/// </summary>
internal sealed class AckedAppends
{
    private readonly List<(int SessionIndex, int Append, int FurthestPosition, int FurthestAppend)> _entries = [];

    public IEnumerable<int> All => _entries.Select(e => e.Append);

    /// <summary>Called in session order.</summary>
    public void Add(int sessionIndex, int append, int canonicalPosition)
    {
        var (furthest, furthestAppend) = _entries.Count == 0 || canonicalPosition > _entries[^1].FurthestPosition
            ? (canonicalPosition, append)
            : (_entries[^1].FurthestPosition, _entries[^1].FurthestAppend);
        _entries.Add((sessionIndex, append, furthest, furthestAppend));
    }

    /// <summary>An acknowledged append made before <paramref name="beforeIndex"/> that <paramref name="read"/> does not show, or -1.</summary>
    public int MissingFrom(ReadView read, int key, int beforeIndex)
    {
        var last = LastBefore(beforeIndex);
        if (last < 0)
        {
            return -1;
        }
        if (read.IsCanonicalPrefix(key))
        {
            return _entries[last].FurthestPosition < read.Length(key) ? -1 : FirstNotShown(read, last);
        }
        return FirstNotShown(read, last);
    }

    /// <summary>Appends made before <paramref name="beforeIndex"/>, in session order.</summary>
    public IEnumerable<int> Before(int beforeIndex) => _entries.Take(LastBefore(beforeIndex) + 1).Select(e => e.Append);

    private int FirstNotShown(ReadView read, int last)
    {
        for (var i = 0; i <= last; i++)
        {
            if (!read.Shows(_entries[i].Append))
            {
                return _entries[i].Append;
            }
        }
        return -1;
    }

    private int LastBefore(int beforeIndex)
    {
        int low = 0, high = _entries.Count - 1, found = -1;
        while (low <= high)
        {
            var middle = (low + high) / 2;
            if (_entries[middle].SessionIndex < beforeIndex)
            {
                found = middle;
                low = middle + 1;
            }
            else
            {
                high = middle - 1;
            }
        }
        return found;
    }
}
