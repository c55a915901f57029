using System.Globalization;
using Chorus.Compat.Comparison;

namespace Chorus.Compat.Generation.Generators;

/// <summary>
/// Bitmaps, on the same keys as the strings: SETBIT and GETBIT, BITCOUNT and BITPOS with byte and
/// bit ranges, BITOP, BITFIELD (GET SET INCRBY, every OVERFLOW mode, #n offsets) and BITFIELD_RO.
/// </summary>
internal sealed class BitmapGenerator : CommandTable
{
    public override string Name => "bitmaps";

    protected override IReadOnlyList<CommandCase> Build() =>
    [
        new("SETBIT", 4, 6, f => Step.OnKey(ReplyChecks.Exact, "SETBIT", f.Key(), BitOffset(f), f.Chance(0.9) ? f.Pick("0", "1", "1") : f.Pick("2", "-1", "abc", ""))),
        new("GETBIT", 3, 3, f => Step.OnKey(ReplyChecks.Exact, "GETBIT", f.Key(), BitOffset(f))),
        new("BITCOUNT", -2, 3, BitCount),
        new("BITPOS", -3, 3, BitPos),
        new("BITOP", -4, 2, BitOp),
        new("BITFIELD", -2, 3, f => BitField(f, "BITFIELD", readOnly: false)),
        new("BITFIELD_RO", -2, 1, f => BitField(f, "BITFIELD_RO", readOnly: true)),
    ];

    /// <summary>
    /// Mostly within the first bytes; sometimes far (a few KiB of zeros), past Redis's limit, or
    /// invalid. Never near the limit itself: Redis would build a 512 MB string where Chorus refuses
    /// anything over chorus-max-write-bytes (docs/compatibility.md).
    /// </summary>
    private static string BitOffset(Fuzz f) => f.Next(10) switch
    {
        < 7 => f.Between(0, 80).ToString(CultureInfo.InvariantCulture),
        7 => f.Between(80, 40_000).ToString(CultureInfo.InvariantCulture),
        8 => f.Pick("4294967296", "-1", "9223372036854775807"),
        _ => f.Pick("abc", "1.5", "", " 1", "0x10"),
    };

    private static Step BitCount(Fuzz f)
    {
        var args = new List<object> { "BITCOUNT", f.Key() };
        if (f.Chance(0.6))
        {
            args.AddRange([f.IndexText(), f.IndexText()]);
            if (f.Chance(0.5))
            {
                args.Add(f.Pick("BYTE", "BIT", "bit", "WORD"));
            }
        }
        else if (f.Chance(0.1))
        {
            args.Add(f.IndexText());   // a start without an end: a syntax error
        }
        return Step.OnKey(ReplyChecks.Exact, [.. args]);
    }

    private static Step BitPos(Fuzz f)
    {
        var args = new List<object> { "BITPOS", f.Key(), f.Chance(0.9) ? f.Pick("0", "1") : f.Pick("2", "-1", "abc") };
        var extra = f.Next(4);
        if (extra >= 1)
        {
            args.Add(f.IndexText());
        }
        if (extra >= 2)
        {
            args.Add(f.IndexText());
        }
        if (extra >= 3)
        {
            args.Add(f.Pick("BYTE", "BIT", "BITS"));
        }
        return Step.OnKey(ReplyChecks.Exact, [.. args]);
    }

    private static Step BitOp(Fuzz f)
    {
        var target = f.Key();
        var operation = f.Pick("AND", "OR", "XOR", "NOT", "and", "NAND");
        var sources = operation.Equals("NOT", StringComparison.OrdinalIgnoreCase) && f.Chance(0.8) ? [f.Key()] : f.Keys(3);
        return Step.OnKeys([target, .. sources], ReplyChecks.Exact, "BITOP", operation, target, sources);
    }

    /// <summary>BITFIELD key with one to three operations: GET, SET, INCRBY (and OVERFLOW between them), with signed and unsigned types.</summary>
    private static Step BitField(Fuzz f, string command, bool readOnly)
    {
        var args = new List<object> { command, f.Key() };
        for (var i = f.Between(0, 4); i > 0; i--)
        {
            var operation = readOnly && f.Chance(0.9) ? 0 : f.Next(5);
            switch (operation)
            {
                case 0:
                    args.AddRange(["GET", FieldType(f), FieldOffset(f)]);
                    break;
                case 1:
                    args.AddRange(["SET", FieldType(f), FieldOffset(f), f.IntegerText()]);
                    break;
                case 2:
                    args.AddRange(["INCRBY", FieldType(f), FieldOffset(f), f.IntegerText()]);
                    break;
                case 3:
                    args.AddRange(["OVERFLOW", f.Pick("WRAP", "SAT", "FAIL", "fail", "NONE")]);
                    break;
                default:
                    args.Add(f.Pick("GET", "SET", "NOSUCH"));
                    break;
            }
        }
        return Step.OnKey(ReplyChecks.Exact, [.. args]);
    }

    private static string FieldType(Fuzz f) => f.Next(8) switch
    {
        < 3 => "u" + f.Between(1, 17).ToString(CultureInfo.InvariantCulture),
        < 6 => "i" + f.Between(1, 17).ToString(CultureInfo.InvariantCulture),
        6 => f.Pick("i64", "u63", "i32", "u32", "I8", "U8"),
        _ => f.Pick("u64", "i65", "u0", "x8", "i", ""),
    };

    private static string FieldOffset(Fuzz f) => f.Next(6) switch
    {
        < 3 => f.Between(0, 64).ToString(CultureInfo.InvariantCulture),
        3 => "#" + f.Between(0, 8).ToString(CultureInfo.InvariantCulture),
        4 => f.Between(64, 2_000).ToString(CultureInfo.InvariantCulture),
        _ => f.Pick("-1", "abc", "#-1", "4294967296", "#"),
    };
}
