using Chorus.Compat.Comparison;

namespace Chorus.Compat.Generation.Generators;

/// <summary>
/// CONFIG SET and GET of the Redis tuning parameters that Chorus accepts as no-ops: Redis's
/// checks and error texts, normalised values (1kb → 1024, YES → yes), aliases, several pairs at
/// once, duplicates and unknown names. Values that would make Redis itself behave differently
/// during a run (persistence on, save points, active expiry off) are never set.
/// </summary>
internal sealed class ConfigGenerator : CommandTable
{
    /// <summary>Parameters and values to try: valid ones first, then what Redis refuses.</summary>
    private static readonly (string Name, string[] Values)[] Parameters =
    [
        ("hash-max-listpack-entries", ["128", "0", "9223372036854775807", "-1", "abc", "1.5"]),
        ("hash-max-ziplist-value", ["64", "0", "-5", "x"]),
        ("zset-max-listpack-entries", ["256", "-1"]),
        ("zset-max-ziplist-value", ["32", ""]),
        ("list-max-listpack-size", ["-2", "-5", "128", "2147483648", "abc"]),
        ("list-max-ziplist-size", ["8", "-1"]),
        ("list-compress-depth", ["0", "1", "-1"]),
        ("set-max-intset-entries", ["512", "1", "-3"]),
        ("stream-node-max-bytes", ["4096", "4k", "4kb", "1MB", "2gb", "1x", "-1", ""]),
        ("stream-node-max-entries", ["100", "0", "abc"]),
        ("hll-sparse-max-bytes", ["3000", "1mb", "m"]),
        ("activerehashing", ["yes", "no", "YES", "maybe", ""]),
        ("hz", ["10", "1", "100", "500", "1000", "0", "-1", "2147483648", "ten"]),
        ("dynamic-hz", ["yes", "No"]),
        ("active-expire-effort", ["1", "10", "0", "11"]),
        ("maxmemory-policy", ["noeviction", "allkeys-lru", "VOLATILE-TTL", "lru", ""]),
        ("maxmemory-samples", ["5", "1", "0"]),
        ("maxmemory-eviction-tenacity", ["10", "100", "101"]),
        ("lfu-log-factor", ["10", "-1"]),
        ("lazyfree-lazy-eviction", ["yes", "no", "1"]),
        ("lazyfree-lazy-expire", ["no", "yes"]),
        ("lazyfree-lazy-server-del", ["no"]),
        ("lazyfree-lazy-user-del", ["yes", "no"]),
        ("lazyfree-lazy-user-flush", ["no", "true"]),
        ("replica-lazy-flush", ["no", "yes"]),
        ("slave-lazy-flush", ["yes", "no"]),
        ("slowlog-log-slower-than", ["10000", "-1", "-2", "0"]),
        ("slowlog-max-len", ["128", "0", "-1"]),
        ("latency-monitor-threshold", ["0", "100", "-1"]),
        ("loglevel", ["notice", "warning", "VERBOSE", "loud"]),
        ("tcp-keepalive", ["300", "0", "-1"]),
        ("appendonly", ["no", "perhaps"]),
        ("appendfsync", ["everysec", "always", "no", "sometimes"]),
        ("save", ["", "abc", "100", "100 1 200"]),
        ("stop-writes-on-bgsave-error", ["yes", "no", "x"]),
        ("rdbcompression", ["yes", "no"]),
    ];

    /// <summary>Chorus shows its own truth for these in CONFIG GET, so only CONFIG SET's replies are compared.</summary>
    private static readonly HashSet<string> TruthfulParameters = ["appendonly", "appendfsync", "save"];

    /// <summary>
    /// The parameters a run may change that Chorus remembers (every one but the truthful ones):
    /// each seed starts with them back at Redis's values, or an earlier seed's CONFIG SET would
    /// change how Redis encodes (and so answers) what a later one builds (docs/compatibility.md).
    /// </summary>
    public static IEnumerable<string> ResettableParameters =>
        Parameters.Select(p => p.Name).Where(name => !TruthfulParameters.Contains(name));

    public override string Name => "config";

    protected override IReadOnlyList<CommandCase> Build() =>
    [
        new("CONFIG", -2, 4, Set),
        new("CONFIG", -2, 3, Get),
    ];

    private static Step Set(Fuzz f)
    {
        var args = new List<object> { "CONFIG", f.Pick("SET", "set") };
        for (var pairs = f.Chance(0.8) ? 1 : f.Between(2, 4); pairs > 0; pairs--)
        {
            var (name, values) = f.Pick(Parameters);
            args.Add(f.Next(20) switch
            {
                0 => "no-such-parameter",
                1 => name.ToUpperInvariant(),
                _ => name,
            });
            args.Add(f.Pick(values));
        }
        if (f.Chance(0.05))
        {
            args.RemoveAt(args.Count - 1);   // a name without its value
        }
        return Step.OnKeys([], ReplyChecks.Exact, [.. args]);
    }

    private static Step Get(Fuzz f)
    {
        var name = f.Pick(Parameters).Name;
        while (TruthfulParameters.Contains(name))
        {
            name = f.Pick(Parameters).Name;
        }
        return Step.OnKeys([], ReplyChecks.UnorderedPairs, "CONFIG", "GET", name);
    }
}
