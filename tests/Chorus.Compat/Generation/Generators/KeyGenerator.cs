using Chorus.Compat.Comparison;

namespace Chorus.Compat.Generation.Generators;

/// <summary>Commands on keys of any type: DEL, EXISTS, TYPE, RENAME, KEYS, SCAN, RANDOMKEY, DBSIZE, FLUSHALL.</summary>
internal sealed class KeyGenerator : CommandTable
{
    public override string Name => "keys";

    protected override IReadOnlyList<CommandCase> Build() =>
    [
        new("DEL", -2, 4, f => MultiKey(f, "DEL")),
        new("UNLINK", -2, 1, f => MultiKey(f, "UNLINK")),
        new("EXISTS", -2, 3, f => MultiKey(f, "EXISTS")),
        new("TOUCH", -2, 1, f => MultiKey(f, "TOUCH")),
        new("TYPE", 2, 3, f => Step.OnKey(ReplyChecks.Exact, "TYPE", f.Key())),
        new("RENAME", 3, 2, f => TwoKeys(f, "RENAME")),
        new("RENAMENX", 3, 2, f => TwoKeys(f, "RENAMENX")),
        new("KEYS", 2, 2, f => Step.OnEveryKey(ReplyChecks.Unordered, "KEYS", f.Pattern())),
        new("SCAN", -2, 2, Scan),
        new("RANDOMKEY", 1, 1, _ => Step.OnEveryKey(new RandomElementsCheck(RandomElementsCheck.Source.Keys), "RANDOMKEY")),
        new("DBSIZE", 1, 2, _ => Step.OnEveryKey(DbSizeCheck.Instance, "DBSIZE")),
        new("FLUSHALL", -1, 1, f => f.Chance(0.2) ? Step.OnEveryKey(ReplyChecks.Exact, ["FLUSHALL", Flush(f)]) : DelAll()),
        new("FLUSHDB", -1, 1, f => f.Chance(0.3) ? Step.OnEveryKey(ReplyChecks.Exact, ["FLUSHDB", Flush(f)]) : DelAll()),
    ];

    /// <summary>Emptying the keyspace is rare, so that state builds up between flushes: most draws delete two keys instead.</summary>
    private static Step DelAll() => Step.OnKeys([Fuzz.Keyspace[0], Fuzz.Keyspace[1]], ReplyChecks.Exact, "DEL", Fuzz.Keyspace[0], Fuzz.Keyspace[1]);

    private static IEnumerable<object> Flush(Fuzz f) => f.Next(5) switch
    {
        0 => ["ASYNC"],
        1 => ["SYNC"],
        2 => [f.Pick("async", "NOW", "ASYNC SYNC")],
        3 => ["SYNC", "ASYNC"],
        _ => [],
    };

    private static Step MultiKey(Fuzz f, string command)
    {
        var keys = f.Keys(4);
        return Step.OnKeys(keys, ReplyChecks.Exact, command, keys);
    }

    private static Step TwoKeys(Fuzz f, string command)
    {
        var (source, target) = (f.Key(), f.Chance(0.1) ? null : f.Key());
        target ??= source;
        return Step.OnKeys([source, target], ReplyChecks.Exact, command, source, target);
    }

    /// <summary>SCAN 0 with random MATCH, COUNT and TYPE (sometimes invalid); the check finishes the iteration.</summary>
    private static Step Scan(Fuzz f)
    {
        // Cursor 0 (or "", which Redis 7.0 reads as 0) starts an iteration; other valid cursors
        // are each server's own business, so only invalid ones are sent.
        var args = new List<object> { "SCAN", f.Chance(0.9) ? f.Pick("0", "0", "0", "") : f.Pick("abc", " 0", "-", "18446744073709551616", "1.5", "0x1") };
        for (var i = f.Next(4); i > 0; i--)
        {
            switch (f.Next(4))
            {
                case 0:
                    args.AddRange(["MATCH", f.Pattern()]);
                    break;
                case 1:
                    args.AddRange(["COUNT", f.Chance(0.7) ? f.Between(1, 20).ToString(System.Globalization.CultureInfo.InvariantCulture) : f.CountText()]);
                    break;
                case 2:
                    // Not "none": Redis 7.0 answers TYPE none with keys whose expiry passed but
                    // that it has not reclaimed yet (its type lookup deletes the key, then calls
                    // it "none"), which depends on when its expiry cycle ran.
                    args.AddRange(["TYPE", f.Pick("string", "hash", "set", "list", "zset", "stream", "STRING", "nosuchtype")]);
                    break;
                default:
                    args.Add(f.Pick("MATCH", "COUNT", "TYPE", "NOSUCHOPTION"));
                    break;
            }
        }
        // Only a scan from cursor 0 can be finished and compared as a whole; others are compared as they are (errors).
        return args[1] is "0" or ""
            ? Step.OnEveryKey(ScanCheck.Instance, [.. args])
            : Step.OnEveryKey(ReplyChecks.Exact, [.. args]);
    }
}
