using Chorus.Compat.Comparison;

namespace Chorus.Compat.Generation.Generators;

/// <summary>
/// Databases 0–15 and moving keys between them: SELECT (which the rest of the run then uses),
/// MOVE, SWAPDB, FLUSHDB, DBSIZE, and COPY within a database and to another (DB, REPLACE).
/// Databases 0–3 are chosen most often, so that keys meet again after a move.
/// </summary>
internal sealed class DatabaseGenerator : CommandTable
{
    public override string Name => "databases";

    protected override IReadOnlyList<CommandCase> Build() =>
    [
        new("SELECT", 2, 4, f => Step.OnEveryKey(ReplyChecks.Exact, "SELECT", Db(f))),
        new("MOVE", 3, 4, f => Step.OnKey(ReplyChecks.Exact, "MOVE", f.Key(), Db(f))),
        new("SWAPDB", 3, 2, f => Step.OnEveryKey(ReplyChecks.Exact, "SWAPDB", Db(f), Db(f))),
        new("FLUSHDB", -1, 1, f => f.Chance(0.3) ? Step.OnEveryKey(ReplyChecks.Exact, "FLUSHDB") : Step.OnKey(ReplyChecks.Exact, "DEL", f.Key())),
        new("DBSIZE", 1, 2, _ => Step.OnEveryKey(DbSizeCheck.Instance, "DBSIZE")),
        new("COPY", -3, 5, Copy),
    ];

    /// <summary>A database index: mostly 0–3, sometimes 15, past the last, negative or not a number.</summary>
    private static string Db(Fuzz f) => f.Next(10) switch
    {
        < 7 => f.Pick("0", "1", "2", "3"),
        7 => f.Pick("15", "4", "9"),
        8 => f.Pick("16", "-1", "2147483648", "9223372036854775808"),
        _ => f.Pick("abc", "1.5", "", " 1", "01"),
    };

    /// <summary>COPY source destination [DB n] [REPLACE], sometimes onto itself or with an unknown option.</summary>
    private static Step Copy(Fuzz f)
    {
        var (source, target) = (f.Key(), f.Key());
        var args = new List<object> { "COPY", source, target };
        if (f.Chance(0.5))
        {
            args.AddRange(["DB", Db(f)]);
        }
        if (f.Chance(0.4))
        {
            args.Add(f.Pick("REPLACE", "replace"));
        }
        if (f.Chance(0.05))
        {
            args.Add(f.Pick("NOSUCH", "DB"));
        }
        return Step.OnKeys([source, target], ReplyChecks.Exact, [.. args]);
    }
}
