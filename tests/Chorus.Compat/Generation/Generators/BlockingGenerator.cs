using Chorus.Compat.Comparison;

namespace Chorus.Compat.Generation.Generators;

/// <summary>
/// Blocking pops (BLPOP BRPOP BLMOVE BRPOPLPUSH BLMPOP BZPOPMIN BZPOPMAX BZMPOP) with replies that
/// do not depend on timing: a key with data pops at once; with none the timeout is a few
/// milliseconds (never 0, which would wait forever), so both servers answer the timeout's null
/// array; inside MULTI they answer at once. Bad timeouts ("-1", "abc", "inf") and wrong types too.
/// </summary>
internal sealed class BlockingGenerator : CommandTable
{
    public override string Name => "blocking";

    protected override IReadOnlyList<CommandCase> Build() =>
    [
        new("BLPOP", -3, 3, f => Pop(f, "BLPOP")),
        new("BRPOP", -3, 3, f => Pop(f, "BRPOP")),
        new("BZPOPMIN", -3, 2, f => Pop(f, "BZPOPMIN")),
        new("BZPOPMAX", -3, 2, f => Pop(f, "BZPOPMAX")),
        new("BLMOVE", 6, 2, f =>
        {
            var (source, target) = (f.Key(), f.Key());
            return Step.OnKeys([source, target], ReplyChecks.Exact, "BLMOVE", source, target, f.Pick("LEFT", "RIGHT", "left", "UP"), f.Pick("LEFT", "RIGHT"), Timeout(f));
        }),
        new("BRPOPLPUSH", 4, 1, f =>
        {
            var (source, target) = (f.Key(), f.Key());
            return Step.OnKeys([source, target], ReplyChecks.Exact, "BRPOPLPUSH", source, target, Timeout(f));
        }),
        new("BLMPOP", -5, 2, f => MPop(f, "BLMPOP", f.Pick("LEFT", "RIGHT", "MIDDLE"))),
        new("BZMPOP", -5, 2, f => MPop(f, "BZMPOP", f.Pick("MIN", "MAX", "max", "MIDDLE"))),
    ];

    /// <summary>A short timeout in seconds, or one Redis refuses.</summary>
    private static string Timeout(Fuzz f) => f.Chance(0.9) ? f.Pick("0.01", "0.005", "0.001") : f.Pick("-1", "abc", "inf", "1e30");

    private static Step Pop(Fuzz f, string command)
    {
        var keys = f.Keys(3);
        return Step.OnKeys(keys, ReplyChecks.Exact, command, keys, Timeout(f));
    }

    private static Step MPop(Fuzz f, string command, string end)
    {
        var keys = f.Keys(3);
        var args = new List<object> { command, Timeout(f), f.Chance(0.9) ? keys.Length.ToString(System.Globalization.CultureInfo.InvariantCulture) : f.Pick("0", "-1", "5", "abc"), keys, end };
        if (f.Chance(0.5))
        {
            args.AddRange(["COUNT", f.CountText()]);
        }
        return Step.OnKeys(keys, ReplyChecks.Exact, [.. args]);
    }
}
