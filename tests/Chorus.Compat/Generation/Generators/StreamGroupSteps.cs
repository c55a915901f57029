using System.Globalization;
using Chorus.Compat.Comparison;

namespace Chorus.Compat.Generation.Generators;

/// <summary>
/// The consumer-group part of the <c>streams</c> generator: XGROUP (every subcommand), XREADGROUP
/// (new entries and history, COUNT, NOACK), XACK, XPENDING (summary and rows), XCLAIM, XAUTOCLAIM,
/// XINFO GROUPS/CONSUMERS and XSETID, over the same keys as the other stream commands. Minimum idle
/// times are 0 (a claim never depends on either server's clock), and replies with idle times are
/// compared with them masked (<see cref="IdleMaskedCheck"/>).
/// </summary>
internal static class StreamGroupSteps
{
    public static IEnumerable<CommandCase> Cases(Func<Fuzz, string> id) =>
    [
        new("XGROUP", -2, 4, f => XGroup(f, id)),
        new("XREADGROUP", -7, 5, f => XReadGroup(f, id)),
        new("XACK", -4, 2, f => Step.OnKey(ReplyChecks.Exact, ["XACK", f.Key(), Group(f), .. Enumerable.Range(0, f.Between(1, 3)).Select(_ => id(f))])),
        new("XPENDING", -3, 3, f => XPending(f, id)),
        new("XCLAIM", -6, 2, f => XClaim(f, id)),
        new("XAUTOCLAIM", -6, 2, f => XAutoClaim(f, id)),
        new("XINFO", -2, 2, XInfo),
        new("XSETID", -3, 1, f => XSetId(f, id)),
    ];

    private static string Group(Fuzz f) => f.Pick("g1", "g1", "g2", "nog");

    private static string Consumer(Fuzz f) => f.Pick("alice", "bob", "carol");

    private static string Number(Fuzz f) => f.Chance(0.9) ? f.Between(0, 5).ToString(CultureInfo.InvariantCulture) : f.Pick("-1", "-2", "abc");

    private static Step XInfo(Fuzz f)
    {
        var key = f.Key();
        return f.Chance(0.5)
            ? Step.OnKeys([key], ReplyChecks.Exact, "XINFO", "GROUPS", key)
            : Step.OnKeys([key], IdleMaskedCheck.Instance, "XINFO", "CONSUMERS", key, Group(f));
    }

    private static Step XGroup(Fuzz f, Func<Fuzz, string> id)
    {
        var key = f.Key();
        return f.Next(10) switch
        {
            < 4 => Step.OnKeys([key], ReplyChecks.Exact, ["XGROUP", "CREATE", key, Group(f), f.Chance(0.3) ? "$" : id(f),
                .. f.Chance(0.4) ? new object[] { "MKSTREAM" } : [], .. f.Chance(0.2) ? new object[] { "ENTRIESREAD", Number(f) } : []]),
            < 6 => Step.OnKeys([key], ReplyChecks.Exact, ["XGROUP", "SETID", key, Group(f), f.Chance(0.3) ? "$" : id(f), .. f.Chance(0.2) ? new object[] { "ENTRIESREAD", Number(f) } : []]),
            6 => Step.OnKeys([key], ReplyChecks.Exact, "XGROUP", "DESTROY", key, Group(f)),
            7 => Step.OnKeys([key], ReplyChecks.Exact, "XGROUP", "CREATECONSUMER", key, Group(f), Consumer(f)),
            8 => Step.OnKeys([key], ReplyChecks.Exact, "XGROUP", "DELCONSUMER", key, Group(f), Consumer(f)),
            _ => Step.OnKeys([key], ReplyChecks.Exact, "XGROUP", f.Pick("CREATE", "nosuch", "DESTROY"), key),
        };
    }

    private static Step XReadGroup(Fuzz f, Func<Fuzz, string> id)
    {
        var keys = f.Keys(2);
        var args = new List<object> { "XREADGROUP", "GROUP", Group(f), Consumer(f) };
        if (f.Chance(0.5))
        {
            args.AddRange(["COUNT", f.Pick("0", "1", "2", "-1", "abc")]);
        }
        if (f.Chance(0.2))
        {
            args.Add("NOACK");
        }
        args.Add("STREAMS");
        args.Add(keys);
        args.Add(keys.Select(_ => (object)(f.Chance(0.7) ? ">" : f.Chance(0.8) ? "0" : id(f))).ToList());
        return Step.OnKeys(keys, ReplyChecks.Exact, [.. args]);
    }

    private static Step XPending(Fuzz f, Func<Fuzz, string> id)
    {
        var args = new List<object> { "XPENDING", f.Key(), Group(f) };
        if (f.Chance(0.6))
        {
            if (f.Chance(0.2))
            {
                args.AddRange(["IDLE", "0"]);
            }
            args.AddRange([f.Chance(0.6) ? "-" : id(f), f.Chance(0.6) ? "+" : id(f), Number(f)]);
            if (f.Chance(0.3))
            {
                args.Add(Consumer(f));
            }
        }
        return Step.OnKey(IdleMaskedCheck.Instance, [.. args]);
    }

    private static Step XClaim(Fuzz f, Func<Fuzz, string> id)
    {
        var args = new List<object> { "XCLAIM", f.Key(), Group(f), Consumer(f), f.Chance(0.95) ? "0" : "abc" };
        args.AddRange(Enumerable.Range(0, f.Between(1, 3)).Select(_ => id(f)));
        if (f.Chance(0.3))
        {
            args.Add("JUSTID");
        }
        if (f.Chance(0.2))
        {
            args.Add("FORCE");
        }
        if (f.Chance(0.2))
        {
            args.AddRange(["RETRYCOUNT", Number(f)]);
        }
        if (f.Chance(0.1))
        {
            args.AddRange(["LASTID", id(f)]);
        }
        return Step.OnKey(ReplyChecks.Exact, [.. args]);
    }

    private static Step XAutoClaim(Fuzz f, Func<Fuzz, string> id)
    {
        var args = new List<object> { "XAUTOCLAIM", f.Key(), Group(f), Consumer(f), "0", f.Chance(0.6) ? "0" : id(f) };
        if (f.Chance(0.4))
        {
            args.AddRange(["COUNT", f.Pick("1", "2", "0", "abc")]);
        }
        if (f.Chance(0.3))
        {
            args.Add("JUSTID");
        }
        return Step.OnKey(ReplyChecks.Exact, [.. args]);
    }

    private static Step XSetId(Fuzz f, Func<Fuzz, string> id)
    {
        var args = new List<object> { "XSETID", f.Key(), id(f) };
        if (f.Chance(0.3))
        {
            args.AddRange(["ENTRIESADDED", Number(f)]);
        }
        if (f.Chance(0.2))
        {
            args.AddRange(["MAXDELETEDID", id(f)]);
        }
        return Step.OnKey(ReplyChecks.Exact, [.. args]);
    }
}
