using Chorus.Compat.Comparison;

namespace Chorus.Compat.Generation.Generators;

/// <summary>
/// Lists: pushes and pops at both ends (with counts, LMPOP), reads by index and range, LSET,
/// LINSERT, LREM, LTRIM, LPOS with its options, LMOVE/RPOPLPUSH, and SORT over lists and sets
/// (with BY and GET patterns that reach the other keys, LIMIT, ALPHA, DESC, STORE).
/// </summary>
internal sealed class ListGenerator : CommandTable
{
    public override string Name => "lists";

    protected override IReadOnlyList<CommandCase> Build() =>
    [
        new("LPUSH", -3, 6, f => Step.OnKey(ReplyChecks.Exact, "LPUSH", f.Key(), f.Elements(4))),
        new("RPUSH", -3, 6, f => Step.OnKey(ReplyChecks.Exact, "RPUSH", f.Key(), f.Elements(4))),
        new("LPUSHX", -3, 1, f => Step.OnKey(ReplyChecks.Exact, "LPUSHX", f.Key(), f.Elements(2))),
        new("RPUSHX", -3, 1, f => Step.OnKey(ReplyChecks.Exact, "RPUSHX", f.Key(), f.Elements(2))),
        new("LPOP", -2, 3, f => Pop(f, "LPOP")),
        new("RPOP", -2, 3, f => Pop(f, "RPOP")),
        new("LMPOP", -4, 2, LMPop),
        new("LLEN", 2, 2, f => Step.OnKey(ReplyChecks.Exact, "LLEN", f.Key())),
        new("LINDEX", 3, 2, f => Step.OnKey(ReplyChecks.Exact, "LINDEX", f.Key(), f.IndexText())),
        new("LRANGE", 4, 4, f => Step.OnKey(ReplyChecks.Exact, "LRANGE", f.Key(), f.IndexText(), f.IndexText())),
        new("LSET", 4, 2, f => Step.OnKey(ReplyChecks.Exact, "LSET", f.Key(), f.IndexText(), f.Element())),
        new("LINSERT", 5, 2, f => Step.OnKey(ReplyChecks.Exact, "LINSERT", f.Key(), f.Pick("BEFORE", "AFTER", "after", "MIDDLE"), f.Element(), f.Element())),
        new("LREM", 4, 2, f => Step.OnKey(ReplyChecks.Exact, "LREM", f.Key(), f.Chance(0.8) ? f.Pick("0", "1", "2", "-1", "-2") : f.IntegerText(), f.Element())),
        new("LTRIM", 4, 1, f => Step.OnKey(ReplyChecks.Exact, "LTRIM", f.Key(), f.IndexText(), f.IndexText())),
        new("LPOS", -3, 2, LPos),
        new("LMOVE", 5, 2, f => TwoKeys(f, "LMOVE", f.Pick("LEFT", "RIGHT", "left"), f.Pick("LEFT", "RIGHT", "UP"))),
        new("RPOPLPUSH", 3, 1, f => TwoKeys(f, "RPOPLPUSH")),
        new("SORT", -2, 2, f => Sort(f, "SORT", store: true)),
        new("SORT_RO", -2, 1, f => Sort(f, "SORT_RO", store: false)),
    ];

    private static Step Pop(Fuzz f, string command) => f.Chance(0.5)
        ? Step.OnKey(ReplyChecks.Exact, command, f.Key())
        : Step.OnKey(ReplyChecks.Exact, command, f.Key(), f.CountText());

    /// <summary>LMPOP numkeys key... LEFT|RIGHT [COUNT n], sometimes with a numkeys that does not match.</summary>
    private static Step LMPop(Fuzz f)
    {
        var keys = f.Keys(3);
        var args = new List<object> { "LMPOP", f.Chance(0.9) ? keys.Length.ToString(System.Globalization.CultureInfo.InvariantCulture) : f.Pick("0", "-1", "5", "abc"), keys, f.Pick("LEFT", "RIGHT", "right", "MIDDLE") };
        if (f.Chance(0.5))
        {
            args.AddRange(["COUNT", f.CountText()]);
        }
        return Step.OnKeys(keys, ReplyChecks.Exact, [.. args]);
    }

    private static Step LPos(Fuzz f)
    {
        var args = new List<object> { "LPOS", f.Key(), f.Element() };
        for (var i = f.Next(3); i > 0; i--)
        {
            args.AddRange(f.Next(4) switch
            {
                0 => ["RANK", f.Pick("1", "2", "-1", "-2", "0", "-9223372036854775808", "abc")],
                1 => ["COUNT", f.Pick("0", "1", "2", "-1", "abc")],
                2 => ["MAXLEN", f.Pick("0", "1", "3", "-1")],
                _ => [f.Pick("RANK", "NOSUCH")],
            });
        }
        return Step.OnKey(ReplyChecks.Exact, [.. args]);
    }

    private static Step TwoKeys(Fuzz f, string command, params object[] rest)
    {
        var (source, target) = (f.Key(), f.Chance(0.2) ? null : f.Key());
        target ??= source;
        return Step.OnKeys([source, target], ReplyChecks.Exact, [command, source, target, .. rest]);
    }

    /// <summary>
    /// SORT key [BY pattern] [LIMIT offset count] [GET pattern ...] [ASC|DESC] [ALPHA] [STORE dst]:
    /// patterns name the run's keys (k* with an element "1" reads k1), hash fields (k*->e0) and
    /// the element itself (#). Never BY nosort: a set's order would then be its own business.
    /// </summary>
    private static Step Sort(Fuzz f, string command, bool store)
    {
        var key = f.Key();
        var keys = new List<byte[]> { key };
        var args = new List<object> { command, key };
        if (f.Chance(0.3))
        {
            args.AddRange(["BY", f.Pick("k*", "k*->e0", "nosuchkey*", "k*->")]);
        }
        if (f.Chance(0.3))
        {
            args.AddRange(["LIMIT", f.Pick("0", "1", "-1", "abc"), f.Pick("1", "2", "10", "-1", "0")]);
        }
        for (var i = f.Chance(0.3) ? f.Between(1, 3) : 0; i > 0; i--)
        {
            args.AddRange(["GET", f.Pick("#", "k*", "k*->e0", "k*->e1")]);
        }
        if (f.Chance(0.4))
        {
            args.Add(f.Pick("ASC", "DESC", "desc"));
        }
        // Not ALPHA with BY: elements whose BY key is missing compare equal, and Redis then keeps
        // its sort's own order (a set's internal order; its partial quicksort's with LIMIT).
        if (!args.Contains("BY") && f.Chance(0.5))
        {
            args.Add(f.Pick("ALPHA", "alpha"));
        }
        if (store && f.Chance(0.3))
        {
            var target = f.Key();
            keys.Add(target);
            args.AddRange(["STORE", target]);
        }
        if (f.Chance(0.05))
        {
            args.Add(f.Pick("NOSUCHOPTION", "LIMIT", "STORE"));
        }
        return Step.OnKeys(keys, ReplyChecks.Exact, [.. args]);
    }
}
