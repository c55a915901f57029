namespace Chorus.Simulation.Checkers.Sessions;

/// <summary>
/// What one session had observed of one list key, read by read: the longest canonical prefix
/// seen so far (with the read that saw it), and the reads that saw something else, so "did this
/// read show everything the session had seen before its operation i?" is a binary search.
/// </summary>
internal sealed class Frontier
{
    private readonly List<(int SessionIndex, int Length, ReadView Read)> _widest = [];
    private readonly List<ReadView> _others = [];

    /// <summary>Called for the session's reads in session order.</summary>
    public void Observe(ReadView read, int key)
    {
        if (!read.IsCanonicalPrefix(key))
        {
            _others.Add(read);
        }
        else if (_widest.Count == 0 || read.Length(key) > _widest[^1].Length)
        {
            _widest.Add((read.SessionIndex, read.Length(key), read));
        }
    }

    /// <summary>
    /// Null if <paramref name="read"/> shows everything the session had observed of
    /// <paramref name="key"/> before its operation <paramref name="beforeIndex"/>; otherwise an
    /// earlier read showing an append this one lacks, and that append.
    /// </summary>
    public (ReadView Earlier, int Append)? MissingFrom(ReadView read, int key, int beforeIndex, AppendObservations observations)
    {
        var widest = LastBefore(beforeIndex);
        if (widest >= 0 && !ShowsCanonicalPrefix(read, key, _widest[widest].Length, observations, out var missing))
        {
            return (_widest[widest].Read, missing);
        }
        foreach (var other in _others)
        {
            if (other.SessionIndex >= beforeIndex)
            {
                break;
            }
            var lacking = other.NonCanonicalAppends(key).Where(a => !read.Shows(a)).Order().FirstOrDefault(-1);
            if (lacking >= 0)
            {
                return (other, lacking);
            }
        }
        return null;
    }

    private int LastBefore(int beforeIndex)
    {
        int low = 0, high = _widest.Count - 1, found = -1;
        while (low <= high)
        {
            var middle = (low + high) / 2;
            if (_widest[middle].SessionIndex < beforeIndex)
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

    private static bool ShowsCanonicalPrefix(ReadView read, int key, int length, AppendObservations observations, out int missing)
    {
        missing = -1;
        if (read.IsCanonicalPrefix(key))
        {
            if (read.Length(key) >= length)
            {
                return true;
            }
            missing = FirstAppendFrom(observations, key, read.Length(key), length);
            return missing < 0;
        }
        var tokens = observations.Canonical.Tokens(key);
        for (var p = 0; p < length; p++)
        {
            if (observations.AppendIndex(tokens[p]) is { } append && !read.Shows(append))
            {
                missing = append;
                return false;
            }
        }
        return true;
    }

    private static int FirstAppendFrom(AppendObservations observations, int key, int from, int to)
    {
        var tokens = observations.Canonical.Tokens(key);
        for (var p = from; p < to; p++)
        {
            if (observations.AppendIndex(tokens[p]) is { } append)
            {
                return append;
            }
        }
        return -1;
    }
}
