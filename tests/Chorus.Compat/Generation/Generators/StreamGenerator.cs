using System.Globalization;
using Chorus.Compat.Comparison;

namespace Chorus.Compat.Generation.Generators;

/// <summary>
/// Streams with explicit ids (an XADD with <c>*</c> takes each server's own clock, so its replies
/// and every later range would differ; StreamShapeTests compares those by shape): XADD with
/// NOMKSTREAM, MAXLEN/MINID with <c>=</c>/<c>~</c> and LIMIT, <c>ms-*</c> ids; XRANGE/XREVRANGE
/// with exclusive bounds and COUNT; XLEN, XDEL, XTRIM; XREAD over several streams with COUNT and
/// short BLOCKs that time out the same way on both; consumer groups (<see cref="StreamGroupSteps"/>).
/// Bad ids, options and wrong types too.
/// </summary>
internal sealed class StreamGenerator : CommandTable
{
    public override string Name => "streams";

    protected override IReadOnlyList<CommandCase> Build() =>
    [
        new("XADD", -5, 10, XAdd),
        new("XRANGE", -4, 4, f => Range(f, "XRANGE")),
        new("XREVRANGE", -4, 3, f => Range(f, "XREVRANGE")),
        new("XLEN", 2, 2, f => Step.OnKey(ReplyChecks.Exact, "XLEN", f.Key())),
        new("XDEL", -3, 2, f => Step.OnKey(ReplyChecks.Exact, ["XDEL", f.Key(), .. Enumerable.Range(0, f.Between(1, 4)).Select(_ => Id(f))])),
        new("XTRIM", -4, 2, f => Step.OnKey(ReplyChecks.Exact, ["XTRIM", f.Key(), .. Trim(f, required: true)])),
        new("XREAD", -4, 3, XRead),
        .. StreamGroupSteps.Cases(Id),
    ];

    /// <summary>An entry id: mostly small and full, sometimes without a sequence, at the limits, or malformed.</summary>
    private static string Id(Fuzz f) => f.Next(20) switch
    {
        < 13 => $"{f.Between(0, 60)}-{f.Between(0, 4)}",
        < 16 => f.Between(0, 60).ToString(CultureInfo.InvariantCulture),
        16 => f.Pick("0-0", "0-1", "18446744073709551615-18446744073709551615", "18446744073709551615", "18446744073709551615-0"),
        17 => f.Pick("18446744073709551616", "1-18446744073709551616", "-1", "1--1", "1-"),
        18 => f.Pick("abc", "1-a", "", " 1", "1.5", "01-02"),
        _ => f.Pick("-", "+", "(1-0", "1-*"),
    };

    private static Step XAdd(Fuzz f)
    {
        var key = f.Key();
        var args = new List<object> { "XADD", key };
        if (f.Chance(0.15))
        {
            args.Add(f.Pick("NOMKSTREAM", "nomkstream"));
        }
        if (f.Chance(0.3))
        {
            args.AddRange(Trim(f, required: false));
        }
        args.Add(f.Next(10) switch
        {
            < 6 => $"{f.Between(0, 60)}-{f.Between(0, 4)}",
            < 8 => $"{f.Between(0, 60)}-*",
            _ => Id(f),
        });
        var pairs = f.Chance(0.95) ? f.Between(1, 4) : 0;
        for (var i = 0; i < pairs; i++)
        {
            // Small values: a stream stays one Redis node (4096 bytes), so "~" trims alike.
            args.Add(f.Element());
            args.Add(f.Chance(0.5) ? f.Element() : Fuzz.Utf8(f.IntegerText()));
        }
        if (f.Chance(0.03))
        {
            args.Add("odd");
        }
        return Step.OnKey(ReplyChecks.Exact, [.. args]);
    }

    /// <summary>MAXLEN|MINID [=|~] threshold [LIMIT n], sometimes malformed.</summary>
    private static List<object> Trim(Fuzz f, bool required)
    {
        var args = new List<object>();
        var strategy = f.Chance(0.95) || !required ? f.Pick("MAXLEN", "MINID", "maxlen") : f.Pick("LIMIT", "NOSUCH");
        args.Add(strategy);
        var approximate = f.Next(3) switch
        {
            0 => "~",
            1 => "=",
            _ => null,
        };
        if (approximate is not null)
        {
            args.Add(approximate);
        }
        args.Add(strategy.Equals("MINID", StringComparison.OrdinalIgnoreCase) ? Id(f) : f.Chance(0.9) ? f.Between(0, 6).ToString(CultureInfo.InvariantCulture) : f.Pick("-1", "abc", "9223372036854775807"));
        if (f.Chance(0.15))
        {
            args.AddRange(["LIMIT", f.Pick("0", "1", "100", "-1", "abc")]);
        }
        if (f.Chance(0.05))
        {
            args.AddRange([f.Pick("MAXLEN", "MINID"), "1"]);
        }
        return args;
    }

    private static Step Range(Fuzz f, string command)
    {
        var args = new List<object> { command, f.Key() };
        var (low, high) = (Bound(f, "-"), Bound(f, "+"));
        args.AddRange(command == "XRANGE" ? [low, high] : [high, low]);
        if (f.Chance(0.4))
        {
            args.AddRange(["COUNT", f.Pick("0", "1", "2", "3", "-1", "abc")]);
        }
        if (f.Chance(0.03))
        {
            args.Add(f.Pick("COUNT", "LIMIT"));
        }
        return Step.OnKey(ReplyChecks.Exact, [.. args]);
    }

    private static string Bound(Fuzz f, string open) => f.Next(10) switch
    {
        < 3 => open,
        < 5 => "(" + $"{f.Between(0, 60)}-{f.Between(0, 4)}",
        5 => f.Pick("(-", "(+", "(", "(0-0", "(18446744073709551615-18446744073709551615"),
        _ => Id(f),
    };

    private static Step XRead(Fuzz f)
    {
        var keys = f.Keys(3);
        var args = new List<object> { "XREAD" };
        if (f.Chance(0.4))
        {
            args.AddRange(["COUNT", f.Pick("0", "1", "2", "-1", "abc")]);
        }
        if (f.Chance(0.3))
        {
            // Short waits only: both servers time out alike (never 0, which waits forever).
            args.AddRange(["BLOCK", f.Chance(0.9) ? f.Pick("1", "5", "10") : f.Pick("-1", "abc", "1.5")]);
        }
        if (f.Chance(0.03))
        {
            args.Add(f.Pick("NOACK", "GROUP"));
        }
        args.Add("STREAMS");
        args.Add(keys);
        var ids = keys.Select(_ => (object)(f.Chance(0.2) ? f.Pick("$", ">") : Id(f))).ToList();
        if (f.Chance(0.05))
        {
            ids.RemoveAt(0);
        }
        args.Add(ids);
        return Step.OnKeys(keys, ReplyChecks.Exact, [.. args]);
    }
}
