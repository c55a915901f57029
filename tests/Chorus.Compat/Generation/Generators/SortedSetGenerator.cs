using System.Globalization;
using Chorus.Compat.Comparison;

namespace Chorus.Compat.Generation.Generators;

/// <summary>
/// Sorted sets: ZADD with its flags, ZINCRBY, ZREM, point reads, ranks, counts and ranges by
/// rank, score and lex (with REV, LIMIT, WITHSCORES), ZRANGESTORE, ZREMRANGEBY*, pops (ZPOPMIN,
/// ZPOPMAX, ZMPOP), the algebra (ZUNION ZINTER ZDIFF, their STORE forms, WEIGHTS, AGGREGATE,
/// ZINTERCARD) and ZRANDMEMBER.
/// </summary>
internal sealed class SortedSetGenerator : CommandTable
{
    public override string Name => "zsets";

    protected override IReadOnlyList<CommandCase> Build() =>
    [
        new("ZADD", -4, 8, ZAdd),
        new("ZINCRBY", 4, 3, f => Step.OnKey(ReplyChecks.Exact, "ZINCRBY", f.Key(), f.ScoreText(), f.Element())),
        new("ZREM", -3, 2, f => Step.OnKey(ReplyChecks.Exact, "ZREM", f.Key(), f.Elements(3))),
        new("ZCARD", 2, 2, f => Step.OnKey(ReplyChecks.Exact, "ZCARD", f.Key())),
        new("ZSCORE", 3, 2, f => Step.OnKey(ReplyChecks.Exact, "ZSCORE", f.Key(), f.Element())),
        new("ZMSCORE", -3, 1, f => Step.OnKey(ReplyChecks.Exact, "ZMSCORE", f.Key(), f.Elements(3))),
        new("ZRANK", 3, 2, f => Step.OnKey(ReplyChecks.Exact, "ZRANK", f.Key(), f.Element())),
        new("ZREVRANK", 3, 1, f => Step.OnKey(ReplyChecks.Exact, "ZREVRANK", f.Key(), f.Element())),
        new("ZCOUNT", 4, 2, f => Step.OnKey(ReplyChecks.Exact, "ZCOUNT", f.Key(), ScoreBound(f), ScoreBound(f))),
        new("ZLEXCOUNT", 4, 1, f => Step.OnKey(ReplyChecks.Exact, "ZLEXCOUNT", f.Key(), LexBound(f), LexBound(f))),
        new("ZRANGE", -4, 5, ZRange),
        new("ZRANGEBYSCORE", -4, 2, f => ByScore(f, "ZRANGEBYSCORE")),
        new("ZREVRANGEBYSCORE", -4, 1, f => ByScore(f, "ZREVRANGEBYSCORE")),
        new("ZRANGEBYLEX", -4, 1, f => ByLex(f, "ZRANGEBYLEX")),
        new("ZREVRANGEBYLEX", -4, 1, f => ByLex(f, "ZREVRANGEBYLEX")),
        new("ZREVRANGE", -4, 1, f => Step.OnKey(ReplyChecks.Exact, ["ZREVRANGE", f.Key(), f.IndexText(), f.IndexText(), .. WithScores(f)])),
        new("ZRANGESTORE", -5, 1, ZRangeStore),
        new("ZREMRANGEBYRANK", 4, 1, f => Step.OnKey(ReplyChecks.Exact, "ZREMRANGEBYRANK", f.Key(), f.IndexText(), f.IndexText())),
        new("ZREMRANGEBYSCORE", 4, 1, f => Step.OnKey(ReplyChecks.Exact, "ZREMRANGEBYSCORE", f.Key(), ScoreBound(f), ScoreBound(f))),
        new("ZREMRANGEBYLEX", 4, 1, f => Step.OnKey(ReplyChecks.Exact, "ZREMRANGEBYLEX", f.Key(), LexBound(f), LexBound(f))),
        new("ZPOPMIN", -2, 2, f => Pop(f, "ZPOPMIN")),
        new("ZPOPMAX", -2, 2, f => Pop(f, "ZPOPMAX")),
        new("ZMPOP", -4, 1, ZMPop),
        new("ZUNION", -3, 1, f => Algebra(f, "ZUNION", store: false)),
        new("ZINTER", -3, 1, f => Algebra(f, "ZINTER", store: false)),
        new("ZDIFF", -3, 1, f => Algebra(f, "ZDIFF", store: false)),
        new("ZUNIONSTORE", -4, 1, f => Algebra(f, "ZUNIONSTORE", store: true)),
        new("ZINTERSTORE", -4, 1, f => Algebra(f, "ZINTERSTORE", store: true)),
        new("ZDIFFSTORE", -4, 1, f => Algebra(f, "ZDIFFSTORE", store: true)),
        new("ZINTERCARD", -3, 1, ZInterCard),
        new("ZRANDMEMBER", -2, 2, ZRandMember),
    ];

    /// <summary>ZADD key [NX|XX] [GT|LT] [CH] [INCR] score member ...: flags in any mix (Redis refuses the conflicting ones).</summary>
    private static Step ZAdd(Fuzz f)
    {
        var args = new List<object> { "ZADD", f.Key() };
        for (var i = f.Chance(0.5) ? f.Between(1, 3) : 0; i > 0; i--)
        {
            args.Add(f.Pick("NX", "XX", "GT", "LT", "CH", "INCR", "ch"));
        }
        for (var pairs = f.Between(1, 4); pairs > 0; pairs--)
        {
            args.Add(f.ScoreText());
            args.Add(f.Element());
        }
        if (f.Chance(0.05))
        {
            args.RemoveAt(args.Count - 1);   // a score without its member
        }
        return Step.OnKey(ReplyChecks.Exact, [.. args]);
    }

    /// <summary>ZRANGE key start stop [BYSCORE|BYLEX] [REV] [LIMIT offset count] [WITHSCORES].</summary>
    private static Step ZRange(Fuzz f)
    {
        var by = f.Next(3);
        var args = new List<object> { "ZRANGE", f.Key() };
        args.AddRange(by switch
        {
            0 => [f.IndexText(), f.IndexText()],
            1 => [ScoreBound(f), ScoreBound(f), "BYSCORE"],
            _ => [LexBound(f), LexBound(f), "BYLEX"],
        });
        if (f.Chance(0.3))
        {
            args.Add("REV");
        }
        if (f.Chance(0.3))
        {
            args.AddRange(Limit(f));
        }
        args.AddRange(WithScores(f));
        return Step.OnKey(ReplyChecks.Exact, [.. args]);
    }

    private static Step ZRangeStore(Fuzz f)
    {
        var (target, source) = (f.Key(), f.Key());
        var args = new List<object> { "ZRANGESTORE", target, source };
        args.AddRange(f.Chance(0.5) ? [f.IndexText(), f.IndexText()] : [ScoreBound(f), ScoreBound(f), "BYSCORE"]);
        if (f.Chance(0.2))
        {
            args.Add("REV");
        }
        if (f.Chance(0.2))
        {
            args.AddRange(Limit(f));
        }
        return Step.OnKeys([target, source], ReplyChecks.Exact, [.. args]);
    }

    private static Step ByScore(Fuzz f, string command) =>
        Step.OnKey(ReplyChecks.Exact, [command, f.Key(), ScoreBound(f), ScoreBound(f), .. WithScores(f), .. f.Chance(0.3) ? Limit(f) : []]);

    private static Step ByLex(Fuzz f, string command) =>
        Step.OnKey(ReplyChecks.Exact, [command, f.Key(), LexBound(f), LexBound(f), .. f.Chance(0.3) ? Limit(f) : []]);

    private static Step Pop(Fuzz f, string command) => f.Chance(0.5)
        ? Step.OnKey(ReplyChecks.Exact, command, f.Key())
        : Step.OnKey(ReplyChecks.Exact, command, f.Key(), f.CountText());

    private static Step ZMPop(Fuzz f)
    {
        var keys = f.Keys(3);
        var args = new List<object> { "ZMPOP", NumKeys(f, keys), keys, f.Pick("MIN", "MAX", "max", "MIDDLE") };
        if (f.Chance(0.5))
        {
            args.AddRange(["COUNT", f.CountText()]);
        }
        return Step.OnKeys(keys, ReplyChecks.Exact, [.. args]);
    }

    /// <summary>ZUNION/ZINTER/ZDIFF numkeys key... [WEIGHTS w...] [AGGREGATE SUM|MIN|MAX] [WITHSCORES], and the STORE forms with a destination first.</summary>
    private static Step Algebra(Fuzz f, string command, bool store)
    {
        var keys = f.Keys(3);
        var touched = new List<byte[]>(keys);
        var args = new List<object> { command };
        if (store)
        {
            var target = f.Key();
            touched.Add(target);
            args.Add(target);
        }
        args.Add(NumKeys(f, keys));
        args.Add(keys);
        var diff = command.StartsWith("ZDIFF", StringComparison.Ordinal);
        if (!diff && f.Chance(0.3))
        {
            args.Add("WEIGHTS");
            args.AddRange(keys.Select(_ => (object)f.Pick("1", "2", "0", "-1", "0.5", "inf", "abc")));
        }
        if (!diff && f.Chance(0.3))
        {
            args.AddRange(["AGGREGATE", f.Pick("SUM", "MIN", "MAX", "max", "AVG")]);
        }
        if (!store)
        {
            args.AddRange(WithScores(f));
        }
        return Step.OnKeys(touched, ReplyChecks.Exact, [.. args]);
    }

    private static Step ZInterCard(Fuzz f)
    {
        var keys = f.Keys(3);
        var args = new List<object> { "ZINTERCARD", NumKeys(f, keys), keys };
        if (f.Chance(0.4))
        {
            args.AddRange(["LIMIT", f.Pick("0", "1", "2", "-1", "abc")]);
        }
        return Step.OnKeys(keys, ReplyChecks.Exact, [.. args]);
    }

    private static Step ZRandMember(Fuzz f)
    {
        var check = new RandomElementsCheck(RandomElementsCheck.Source.SortedSetMembers);
        return f.Next(3) switch
        {
            0 => Step.OnKey(check, "ZRANDMEMBER", f.Key()),
            1 => Step.OnKey(check, "ZRANDMEMBER", f.Key(), f.CountText()),
            _ => Step.OnKey(check, "ZRANDMEMBER", f.Key(), f.CountText(), f.Chance(0.9) ? "WITHSCORES" : "WITHSCORE"),
        };
    }

    private static string NumKeys(Fuzz f, byte[][] keys) =>
        f.Chance(0.9) ? keys.Length.ToString(CultureInfo.InvariantCulture) : f.Pick("0", "-1", "5", "abc");

    private static IEnumerable<object> WithScores(Fuzz f) => f.Chance(0.4) ? [f.Pick("WITHSCORES", "withscores")] : [];

    private static IEnumerable<object> Limit(Fuzz f) => ["LIMIT", f.Pick("0", "1", "2", "-1", "abc"), f.Pick("1", "2", "5", "-1", "0", "x")];

    /// <summary>A score range bound: inclusive or exclusive numbers, infinities, and what Redis refuses.</summary>
    private static string ScoreBound(Fuzz f) => f.Next(8) switch
    {
        < 3 => f.Between(-3, 6).ToString(CultureInfo.InvariantCulture),
        3 => "(" + f.Between(-3, 6).ToString(CultureInfo.InvariantCulture),
        4 => f.Pick("-inf", "+inf", "inf", "(-inf", "(+inf", "-INF"),
        5 => f.Pick("1.5", "(0.5", "-0.5", "1e1", "(1e-1"),
        _ => f.Pick("abc", "((1", "", "nan", "1.5.5", "[1"),
    };

    /// <summary>A lex range bound: - and +, inclusive and exclusive members, and what Redis refuses.</summary>
    private static object LexBound(Fuzz f) => f.Next(6) switch
    {
        0 => f.Pick("-", "+"),
        1 or 2 => (byte[])[(byte)'[', .. f.Element()],
        3 => (byte[])[(byte)'(', .. f.Element()],
        4 => f.Pick("[", "(", "[e", "(e9"),
        _ => f.Pick("e1", "", "-inf", "+e"),
    };
}
