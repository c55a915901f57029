using Chorus.Compat.Comparison;

namespace Chorus.Compat.Generation.Generators;

/// <summary>Strings: GET/SET and their options, the INCR family, ranges, multi-key MGET/MSET.</summary>
internal sealed class StringGenerator : CommandTable
{
    public override string Name => "strings";

    protected override IReadOnlyList<CommandCase> Build() =>
    [
        new("GET", 2, 6, f => Step.OnKey(ReplyChecks.Exact, "GET", f.Key())),
        new("SET", -3, 8, f => Step.OnKey(ReplyChecks.Exact, ["SET", f.Key(), f.Value(), .. SetOptions(f)])),
        new("SETNX", 3, 2, f => Step.OnKey(ReplyChecks.Exact, "SETNX", f.Key(), f.Value())),
        new("SETEX", 4, 1, f => Step.OnKey(ReplyChecks.Exact, "SETEX", f.Key(), f.RelativeSecondsText(), f.Value())),
        new("PSETEX", 4, 1, f => Step.OnKey(ReplyChecks.Exact, "PSETEX", f.Key(), Fuzz.Milliseconds(f.RelativeSecondsText()), f.Value())),
        new("GETSET", 3, 2, f => Step.OnKey(ReplyChecks.Exact, "GETSET", f.Key(), f.Value())),
        new("GETDEL", 2, 2, f => Step.OnKey(ReplyChecks.Exact, "GETDEL", f.Key())),
        new("GETEX", -2, 3, f => Step.OnKey(ReplyChecks.Exact, ["GETEX", f.Key(), .. ExpiryOptions(f, persist: true)])),
        new("MGET", -2, 2, f => MultiKey(f, "MGET")),
        new("MSET", -3, 2, f => MultiKeyValue(f, "MSET")),
        new("MSETNX", -3, 2, f => MultiKeyValue(f, "MSETNX")),
        new("INCR", 2, 3, f => Step.OnKey(ReplyChecks.Exact, "INCR", f.Key())),
        new("DECR", 2, 2, f => Step.OnKey(ReplyChecks.Exact, "DECR", f.Key())),
        new("INCRBY", 3, 3, f => Step.OnKey(ReplyChecks.Exact, "INCRBY", f.Key(), f.IntegerText())),
        new("DECRBY", 3, 2, f => Step.OnKey(ReplyChecks.Exact, "DECRBY", f.Key(), f.IntegerText())),
        new("INCRBYFLOAT", 3, 4, f => Step.OnKey(ReplyChecks.Exact, "INCRBYFLOAT", f.Key(), f.FloatText())),
        new("APPEND", 3, 3, f => Step.OnKey(ReplyChecks.Exact, "APPEND", f.Key(), f.Value())),
        new("STRLEN", 2, 2, f => Step.OnKey(ReplyChecks.Exact, "STRLEN", f.Key())),
        new("GETRANGE", 4, 3, f => Step.OnKey(ReplyChecks.Exact, "GETRANGE", f.Key(), RangeIndex(f), RangeIndex(f))),
        new("SUBSTR", 4, 1, f => Step.OnKey(ReplyChecks.Exact, "SUBSTR", f.Key(), RangeIndex(f), RangeIndex(f))),
        new("SETRANGE", 4, 3, SetRange),
    ];

    /// <summary>SET's options: a random mix, sometimes conflicting or unknown (Redis answers a syntax error).</summary>
    private static IEnumerable<object> SetOptions(Fuzz f)
    {
        var options = new List<object>();
        for (var i = f.Next(4); i > 0; i--)
        {
            switch (f.Next(9))
            {
                case 0 or 1:
                    options.Add(f.Pick("NX", "XX", "nx"));
                    break;
                case 2:
                    options.Add(f.Pick("GET", "get"));
                    break;
                case 3 or 4 or 5:
                    options.AddRange(ExpiryOptions(f, persist: false));
                    break;
                case 6:
                    options.Add(f.Pick("KEEPTTL", "keepttl"));
                    break;
                case 7:
                    options.Add(f.Pick("EX", "PX", "EXAT", "PXAT"));   // an expiry option missing its value
                    break;
                default:
                    // Never a number: after an expiry option left without its value it would make
                    // a short expiry (PX 1) whose outcome depends on the clock.
                    options.Add(f.Pick("NOSUCHOPTION", "", "EXX", "+"));
                    break;
            }
        }
        return options;
    }

    /// <summary>An expiry option with its time (EX/PX relative, EXAT/PXAT absolute), or PERSIST for GETEX.</summary>
    public static IEnumerable<object> ExpiryOptions(Fuzz f, bool persist)
    {
        switch (f.Next(persist ? 7 : 5))
        {
            case 0:
                return ["EX", f.RelativeSecondsText()];
            case 1:
                return ["PX", Fuzz.Milliseconds(f.RelativeSecondsText())];
            case 2:
                return ["EXAT", f.AbsoluteSecondsText()];
            case 3:
                return ["PXAT", Fuzz.Milliseconds(f.AbsoluteSecondsText())];
            case 4:
                return [f.Pick("ex", "Px", "exat", "pxat"), f.RelativeSecondsText()];
            case 5:
                return [f.Pick("PERSIST", "persist")];
            default:
                return f.Chance(0.5) ? [] : [f.Pick("PERSIST", "EX"), f.Pick("EX", "PERSIST", "KEEPTTL"), f.RelativeSecondsText()];
        }
    }

    private static object RangeIndex(Fuzz f) => f.Next(6) switch
    {
        < 3 => f.Between(-12, 30).ToString(System.Globalization.CultureInfo.InvariantCulture),
        3 => f.Pick("0", "-1", "9223372036854775807", "-9223372036854775808"),
        4 => f.IntegerText(),
        _ => f.Between(-6000, 6000).ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>
    /// SETRANGE at small offsets, negative ones, or past Redis's 512 MB limit (an error, or a no-op
    /// with an empty value). Never a valid large offset: Redis would allocate the whole string.
    /// </summary>
    private static Step SetRange(Fuzz f)
    {
        var (offset, value) = f.Next(8) switch
        {
            < 5 => (f.Between(0, 40).ToString(System.Globalization.CultureInfo.InvariantCulture), f.Value()),
            5 => (f.Pick("-1", "abc", "1.5", "9223372036854775807", "9223372036854775808"), f.Value()),
            6 => (f.Pick("536870912", "536870911", "600000000"), f.Pick<byte[]>([], Fuzz.Utf8("x"), Fuzz.Utf8("xy"))),
            _ => (f.Pick("536870911", "536870912", "1000000"), []),
        };
        if (offset == "536870911" && value.Length == 1)
        {
            value = Fuzz.Utf8("xy");   // 536870911 + 1 byte is exactly 512 MB, which Redis allocates
        }
        return Step.OnKey(ReplyChecks.Exact, "SETRANGE", f.Key(), offset, value);
    }

    private static Step MultiKey(Fuzz f, string command)
    {
        var keys = f.Keys(4);
        return Step.OnKeys(keys, ReplyChecks.Exact, command, keys);
    }

    /// <summary>MSET/MSETNX with key-value pairs; now and then a key without its value (wrong arity).</summary>
    private static Step MultiKeyValue(Fuzz f, string command)
    {
        var keys = f.Keys(3);
        var args = new List<object> { command };
        foreach (var key in keys)
        {
            args.Add(key);
            args.Add(f.Value());
        }
        if (f.Chance(0.1))
        {
            args.RemoveAt(args.Count - 1);
        }
        return Step.OnKeys(keys, ReplyChecks.Exact, [.. args]);
    }
}
