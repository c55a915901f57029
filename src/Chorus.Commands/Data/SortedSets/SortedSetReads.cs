using Chorus.Commands.Execution;
using Chorus.Commands.Keyspace;
using Chorus.Commands.Values;

namespace Chorus.Commands.Data.SortedSets;

/// <summary>Point reads, ranks and range walks over a sorted set, shared by read and write commands.</summary>
internal static class SortedSetReads
{
    /// <summary>A member's score, or null when it is not in the set (one point read).</summary>
    public static double? Score(IKeyspaceView view, ulong id, ReadOnlySpan<byte> member) =>
        view.GetElement(ElementKey.Member(id, member)) is { } stored ? ScoreBytes.Decode(stored) : null;

    /// <summary>A member's 0-based rank from the low end (or the high end, <paramref name="reverse"/>), or null. O(rank).</summary>
    public static long? Rank(IKeyspaceView view, KeyRecord set, ReadOnlySpan<byte> member, bool reverse)
    {
        if (Score(view, set.CollectionId, member) is not { } score)
        {
            return null;
        }
        using var index = ScoreIndex.Open(view, set.CollectionId);
        long rank = 0;
        if (reverse)
        {
            for (index.SeekLast(); index.Valid && !(index.Score == score && index.Member.SequenceEqual(member)); index.Prev())
            {
                rank++;
            }
        }
        else
        {
            for (index.SeekFirst(); index.Valid && !(index.Score == score && index.Member.SequenceEqual(member)); index.Next())
            {
                rank++;
            }
        }
        return rank;
    }

    /// <summary>Members at ranks [start, stop] (already normalised, within the set), from the low or the high end.</summary>
    public static List<ScoredMember> ByRank(IKeyspaceView view, ulong id, long start, long stop, bool reverse)
    {
        var result = new List<ScoredMember>((int)Math.Min(stop - start + 1, 1024));
        using var index = ScoreIndex.Open(view, id);
        if (reverse)
        {
            index.SeekLast();
        }
        else
        {
            index.SeekFirst();
        }
        for (long rank = 0; index.Valid && rank <= stop; rank++, Step(index, reverse))
        {
            if (rank >= start)
            {
                result.Add(index.Current);
            }
        }
        return result;
    }

    /// <summary>Members in a score range, from the low end (or the high end), after skipping <paramref name="offset"/>, at most <paramref name="limit"/> (negative: all).</summary>
    public static List<ScoredMember> ByScore(IKeyspaceView view, ulong id, ScoreRange range, bool reverse, long offset = 0, long limit = -1)
    {
        var result = new List<ScoredMember>();
        if (range.IsEmpty || offset < 0)
        {
            return result;
        }
        using var index = ScoreIndex.Open(view, id);
        if (reverse)
        {
            index.SeekScoreForPrev(range.Max);
        }
        else
        {
            index.SeekScore(range.Min);
        }
        for (; index.Valid && limit != 0; Step(index, reverse))
        {
            var score = index.Score;
            if (reverse ? !range.BelowMax(score) : !range.AboveMin(score))
            {
                continue;
            }
            if (reverse ? !range.AboveMin(score) : !range.BelowMax(score))
            {
                break;
            }
            if (offset > 0)
            {
                offset--;
                continue;
            }
            result.Add(index.Current);
            limit--;
        }
        return result;
    }

    /// <summary>
    /// Members in a lex range, walked as Redis walks its small sorted sets, which assume every
    /// score is equal: nothing when the first member (by position) is above max or the last below
    /// min; else from the first member at or above min (the last at or below max, reversed), as
    /// long as members stay at or below max (at or above min). When every score is equal, the
    /// walk seeks straight to its start.
    /// </summary>
    public static List<ScoredMember> ByLex(IKeyspaceView view, ulong id, LexRange range, bool reverse, long offset = 0, long limit = -1)
    {
        var result = new List<ScoredMember>();
        using var index = ScoreIndex.Open(view, id);
        if (range.IsEmpty || offset < 0 || !SeekLexStart(index, range, reverse))
        {
            return result;
        }
        for (; index.Valid && limit != 0; Step(index, reverse))
        {
            if (reverse ? !range.AboveMin(index.Member) : !range.BelowMax(index.Member))
            {
                break;
            }
            if (offset > 0)
            {
                offset--;
                continue;
            }
            result.Add(index.Current);
            limit--;
        }
        return result;
    }

    /// <summary>Positions the index on the first member of a lex walk; false when the walk finds nothing.</summary>
    private static bool SeekLexStart(ScoreIndex index, LexRange range, bool reverse)
    {
        index.SeekLast();
        if (!index.Valid || !range.AboveMin(index.Member))
        {
            return false;
        }
        var last = index.Score;
        index.SeekFirst();
        if (!range.BelowMax(index.Member))
        {
            return false;
        }
        var sameScore = index.Score == last;
        if (reverse)
        {
            index.SeekLast();
            if (sameScore && range.Max is { } max)
            {
                index.SeekForPrev(last, max);
            }
            while (index.Valid && !range.BelowMax(index.Member))
            {
                index.Prev();
            }
            return index.Valid && range.AboveMin(index.Member);
        }
        if (sameScore && range.Min is { } min)
        {
            index.Seek(last, min);
        }
        while (index.Valid && !range.AboveMin(index.Member))
        {
            index.Next();
        }
        return index.Valid && range.BelowMax(index.Member);
    }

    private static void Step(ScoreIndex index, bool reverse)
    {
        if (reverse)
        {
            index.Prev();
        }
        else
        {
            index.Next();
        }
    }
}
