using Chorus.Commands.Data.Numbers;
using Chorus.Commands.Execution;
using Chorus.Commands.Values;
using Chorus.Resp;

namespace Chorus.Commands.Data.SortedSets;

/// <summary>
/// The arguments of the ZRANGE family, parsed as Redis's zrangeGenericCommand does: a range by rank,
/// score or lex, a direction, an optional LIMIT and WITHSCORES, with its errors in its order.
/// </summary>
internal sealed class RangeQuery
{
    public enum Kind
    {
        Auto,
        Rank,
        Score,
        Lex,
    }

    private RangeQuery(Kind kind, bool reverse)
    {
        Type = kind;
        Reverse = reverse;
    }

    public Kind Type { get; private set; }

    public bool Reverse { get; private set; }

    public bool WithScores { get; private set; }

    public long Offset { get; private set; }

    public long Limit { get; private set; } = -1;

    private long _start;
    private long _stop;
    private ScoreRange _scores;
    private LexRange _lex;

    /// <summary>
    /// Parses the range at <paramref name="first"/> (min, max, then options). <paramref name="kind"/>
    /// and <paramref name="reverse"/> are fixed by the legacy commands (ZRANGEBYSCORE, ZREVRANGE...),
    /// Auto / null for ZRANGE and ZRANGESTORE. False after writing the error.
    /// </summary>
    public static bool TryParse(RespCommand command, int first, Kind kind, bool? reverse, bool store, RespWriter reply, out RangeQuery query)
    {
        query = new RangeQuery(kind, reverse ?? false);
        var reverseFixed = reverse is not null;
        var hasLimit = false;
        for (var j = first + 2; j < command.ArgumentCount; j++)
        {
            var left = command.ArgumentCount - j - 1;
            if (!store && command.ArgumentIs(j, "WITHSCORES"u8))
            {
                query.WithScores = true;
            }
            else if (command.ArgumentIs(j, "LIMIT"u8) && left >= 2)
            {
                if (!IntegerText.TryParse(command[j + 1], out var offset) || !IntegerText.TryParse(command[j + 2], out var limit))
                {
                    reply.WriteError(Errors.NotInteger);
                    return false;
                }
                (query.Offset, query.Limit, hasLimit) = (offset, limit, true);
                j += 2;
            }
            else if (!reverseFixed && command.ArgumentIs(j, "REV"u8))
            {
                query.Reverse = reverseFixed = true;
            }
            else if (query.Type == Kind.Auto && command.ArgumentIs(j, "BYLEX"u8))
            {
                query.Type = Kind.Lex;
            }
            else if (query.Type == Kind.Auto && command.ArgumentIs(j, "BYSCORE"u8))
            {
                query.Type = Kind.Score;
            }
            else
            {
                reply.WriteError(Errors.Syntax);
                return false;
            }
        }
        query.Type = query.Type == Kind.Auto ? Kind.Rank : query.Type;
        // Redis checks the count only: ZRANGE k 0 -1 LIMIT 2 -1 is accepted (and the offset ignored).
        if (hasLimit && query.Limit != -1 && query.Type == Kind.Rank)
        {
            reply.WriteError("ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX");
            return false;
        }
        if (query.WithScores && query.Type == Kind.Lex)
        {
            reply.WriteError("ERR syntax error, WITHSCORES not supported in combination with BYLEX");
            return false;
        }
        // A reversed score or lex range is written max first.
        var swap = query.Reverse && query.Type != Kind.Rank;
        return query.TryParseBounds(command[swap ? first + 1 : first], command[swap ? first : first + 1], reply);
    }

    /// <summary>The members the query selects from the set, in reply order.</summary>
    public List<ScoredMember> Run(IKeyspaceView view, KeyRecord set) => Type switch
    {
        Kind.Score => SortedSetReads.ByScore(view, set.CollectionId, _scores, Reverse, Offset, Limit),
        Kind.Lex => SortedSetReads.ByLex(view, set.CollectionId, _lex, Reverse, Offset, Limit),
        _ => ListRank(view, set),
    };

    private List<ScoredMember> ListRank(IKeyspaceView view, KeyRecord set) =>
        Lists.ListReads.Normalize(_start, _stop, set.Count) is { } range
            ? SortedSetReads.ByRank(view, set.CollectionId, range.Start, range.Stop, Reverse)
            : [];

    private bool TryParseBounds(ReadOnlySpan<byte> min, ReadOnlySpan<byte> max, RespWriter reply)
    {
        switch (Type)
        {
            case Kind.Score when !ScoreRange.TryParse(min, max, out _scores):
                reply.WriteError(ScoreRange.Error);
                return false;
            case Kind.Lex when !LexRange.TryParse(min, max, out _lex):
                reply.WriteError(LexRange.Error);
                return false;
            case Kind.Rank when !IntegerText.TryParse(min, out _start) || !IntegerText.TryParse(max, out _stop):
                reply.WriteError(Errors.NotInteger);
                return false;
            default:
                return true;
        }
    }
}
