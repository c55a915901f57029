using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Chorus.Commands.Data.Numbers;

namespace Chorus.Server.Commands;

/// <summary>
/// Redis's encoding, tuning and persistence parameters that test harnesses and client test
/// suites set with CONFIG SET (<c>hash-max-listpack-entries</c>, <c>save</c>, <c>appendonly</c>,
/// <c>maxmemory-policy</c>, <c>lazyfree-*</c>, <c>hz</c>, ...). None of them applies to Chorus,
/// which keeps its data in RocksDB, never evicts and expires keys through the leader's log, so
/// CONFIG SET accepts them as no-ops: the value is checked as Redis 7.0 checks it (same errors),
/// remembered by this node (not replicated, not persisted) and shown by CONFIG GET — except where
/// Chorus has a true answer of its own (<c>appendonly</c>, <c>appendfsync</c>, <c>save</c>), which CONFIG GET
/// keeps showing. Listed in docs/commands.md and docs/compatibility.md.
/// </summary>
internal sealed class PassThroughParameters
{
    private static readonly Parameter[] Table =
    [
        // Encodings of small collections (Chorus stores every collection the same way).
        new("hash-max-listpack-entries", "512", Kind.Count, "hash-max-ziplist-entries"),
        new("hash-max-listpack-value", "64", Kind.Memory, "hash-max-ziplist-value"),
        new("zset-max-listpack-entries", "128", Kind.Count, "zset-max-ziplist-entries"),
        new("zset-max-listpack-value", "64", Kind.Memory, "zset-max-ziplist-value"),
        new("list-max-listpack-size", "-2", Kind.SignedInt, "list-max-ziplist-size"),
        new("list-compress-depth", "0", Kind.NonNegativeInt),
        new("set-max-intset-entries", "512", Kind.Count),
        new("set-max-listpack-entries", "128", Kind.Count),   // Redis 7.2; accepted for newer clients
        new("set-max-listpack-value", "64", Kind.Memory),     // Redis 7.2
        new("stream-node-max-bytes", "4096", Kind.Memory),
        new("stream-node-max-entries", "100", Kind.Count),
        new("hll-sparse-max-bytes", "3000", Kind.Memory),
        new("activerehashing", "yes", Kind.YesNo),

        // Background work, eviction and lazy freeing (Chorus never evicts; its leader expires keys).
        new("hz", "10", Kind.Hz),
        new("dynamic-hz", "yes", Kind.YesNo),
        new("active-expire-effort", "1", Kind.Effort),
        new("activedefrag", "no", Kind.YesNo),
        new("jemalloc-bg-thread", "yes", Kind.YesNo),
        new("maxmemory-policy", "noeviction", Kind.EvictionPolicy),
        new("maxmemory-samples", "5", Kind.PositiveInt),
        new("maxmemory-eviction-tenacity", "10", Kind.Percent),
        new("lfu-log-factor", "10", Kind.NonNegativeInt),
        new("lfu-decay-time", "1", Kind.NonNegativeInt),
        new("lazyfree-lazy-eviction", "no", Kind.YesNo),
        new("lazyfree-lazy-expire", "no", Kind.YesNo),
        new("lazyfree-lazy-server-del", "no", Kind.YesNo),
        new("lazyfree-lazy-user-del", "no", Kind.YesNo),
        new("lazyfree-lazy-user-flush", "no", Kind.YesNo),
        new("replica-lazy-flush", "no", Kind.YesNo, "slave-lazy-flush"),

        // Diagnostics Chorus does not have (its own are INFO, CHORUS.LAG and /metrics).
        new("slowlog-log-slower-than", "10000", Kind.SignedLong),
        new("slowlog-max-len", "128", Kind.Count),
        new("latency-monitor-threshold", "0", Kind.Count),
        new("latency-tracking", "yes", Kind.YesNo),
        new("loglevel", "notice", Kind.LogLevel),
        new("tcp-keepalive", "300", Kind.NonNegativeInt),

        // Persistence: Chorus writes every change to RocksDB (durability: --fsync).
        new("save", "", Kind.SavePoints),
        new("appendonly", "no", Kind.YesNo),
        new("appendfsync", "everysec", Kind.FsyncPolicy),
        new("no-appendfsync-on-rewrite", "no", Kind.YesNo),
        new("auto-aof-rewrite-percentage", "100", Kind.NonNegativeInt),
        new("auto-aof-rewrite-min-size", "67108864", Kind.Memory),
        new("aof-use-rdb-preamble", "yes", Kind.YesNo),
        new("rdbcompression", "yes", Kind.YesNo),
        new("rdbchecksum", "yes", Kind.YesNo),
        new("stop-writes-on-bgsave-error", "yes", Kind.YesNo),
    ];

    private static readonly Dictionary<string, Parameter> ByName = Table
        .SelectMany(p => p.Alias is null ? [(p.Name, p)] : new[] { (p.Name, p), (p.Alias, p) })
        .ToDictionary(e => e.Item1, e => e.p, StringComparer.OrdinalIgnoreCase);

    private readonly ConcurrentDictionary<string, string> _values = new(StringComparer.Ordinal);

    public enum Kind
    {
        YesNo,
        Count,            // 0 .. 2^63-1
        NonNegativeInt,   // 0 .. 2^31-1
        PositiveInt,      // 1 .. 2^31-1
        SignedInt,        // -2^31 .. 2^31-1
        SignedLong,       // -1 .. 2^63-1
        Percent,          // 0 .. 100
        Effort,           // 1 .. 10
        Hz,               // 0 .. 2^31-1, then kept within 1 .. 500 as Redis does
        Memory,           // 0 .. 2^63-1 bytes, with Redis's k/kb/m/mb/g/gb suffixes
        EvictionPolicy,
        LogLevel,
        FsyncPolicy,
        SavePoints,       // "" or "seconds changes [seconds changes ...]"
    }

    public static bool IsPassThrough(string name) => ByName.ContainsKey(name);

    /// <summary>
    /// Checks a value as Redis 7.0 would: the normalised value to remember, or the text of
    /// Redis's error (after "CONFIG SET failed (possibly related to argument 'name') - ").
    /// </summary>
    /// <summary>
    /// Checks a value as Redis 7.0 would: the normalised value to remember, or the text of
    /// Redis's error (after "CONFIG SET failed (possibly related to argument 'name') - ").
    /// </summary>
    public static bool TryNormalize(string name, string value, out string normalized, out string error)
    {
        var outcome = Check(ByName[name].Kind, value);
        normalized = outcome.Value ?? "";
        error = outcome.Error ?? "";
        return outcome.Error is null;
    }

    public void Set(string name, string normalized) => _values[ByName[name].Name] = normalized;

    /// <summary>Every parameter and alias with its value (Redis's default until CONFIG SET changes it).</summary>
    public IEnumerable<(string Name, string Value)> All =>
        ByName.Select(e => (e.Key, _values.TryGetValue(e.Value.Name, out var set) ? set : e.Value.Default));

    private static Checked Check(Kind kind, string value) => kind switch
    {
        Kind.YesNo => value.ToLowerInvariant() is "yes" or "no" ? Valid(value.ToLowerInvariant()) : Invalid("argument must be 'yes' or 'no'"),
        Kind.Count => Integer(value, 0, long.MaxValue),
        Kind.NonNegativeInt => Integer(value, 0, int.MaxValue),
        Kind.PositiveInt => Integer(value, 1, int.MaxValue),
        Kind.SignedInt => Integer(value, int.MinValue, int.MaxValue),
        Kind.SignedLong => Integer(value, -1, long.MaxValue),
        Kind.Percent => Integer(value, 0, 100),
        Kind.Effort => Integer(value, 1, 10),
        Kind.Hz => Hz(value),
        Kind.Memory => Memory(value),
        Kind.EvictionPolicy => Choice(value, "volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl", "allkeys-lru", "allkeys-lfu", "allkeys-random", "noeviction"),
        Kind.LogLevel => Choice(value, "debug", "verbose", "notice", "warning"),
        Kind.FsyncPolicy => Choice(value, "everysec", "always", "no"),
        _ => SavePoints(value),
    };

    /// <summary>Redis's string2ll (no '+', no spaces, no leading zeros), then the range.</summary>
    private static Checked Integer(string value, long min, long max)
    {
        if (!IntegerText.TryParse(Encoding.UTF8.GetBytes(value), out var number))
        {
            return Invalid("argument couldn't be parsed into an integer");
        }
        return InRange(number, min, max);
    }

    private static Checked InRange(long number, long min, long max) =>
        number < min || number > max ? Invalid($"argument must be between {min} and {max} inclusive") : Valid(Text(number));

    /// <summary>Redis accepts 0 .. 2^31-1 and then keeps hz within 1 .. 500.</summary>
    private static Checked Hz(string value)
    {
        var hz = Integer(value, 0, int.MaxValue);
        return hz.Value is { } text ? Valid(Text(Math.Clamp(long.Parse(text, CultureInfo.InvariantCulture), 1, 500))) : hz;
    }

    /// <summary>
    /// Redis's memtoull: decimal digits (none reads as 0) and an optional unit (b, k=1000,
    /// kb=1024, m, mb, g, gb; any case), no sign; the product wraps as in C; then 0 .. 2^63-1.
    /// </summary>
    private static Checked Memory(string value)
    {
        var digits = value.TakeWhile(char.IsAsciiDigit).Count();
        ulong? multiplier = value[digits..].ToLowerInvariant() switch
        {
            "" or "b" => 1,
            "k" => 1000,
            "kb" => 1024,
            "m" => 1000 * 1000,
            "mb" => 1024 * 1024,
            "g" => 1000UL * 1000 * 1000,
            "gb" => 1024UL * 1024 * 1024,
            _ => null,
        };
        if (multiplier is not { } unit || digits >= 128)
        {
            return Invalid("argument must be a memory value");
        }
        // strtoull saturates at its maximum rather than failing.
        var number = digits == 0 ? 0 : ulong.TryParse(value[..digits], CultureInfo.InvariantCulture, out var parsed) ? parsed : ulong.MaxValue;
        return InRange(unchecked((long)(number * unit)), 0, long.MaxValue);
    }

    private static Checked Choice(string value, params string[] choices) =>
        choices.Contains(value.ToLowerInvariant())
            ? Valid(value.ToLowerInvariant())
            : Invalid($"argument(s) must be one of the following: {string.Join(", ", choices)}");

    /// <summary>"" or pairs of non-negative integers: seconds and changes.</summary>
    private static Checked SavePoints(string value)
    {
        var parts = value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var valid = parts.Length % 2 == 0 && parts.All(p => long.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out _));
        return valid ? Valid(string.Join(' ', parts)) : Invalid("Invalid save parameters");
    }

    private static Checked Valid(string value) => new(value, null);

    private static Checked Invalid(string error) => new(null, error);

    private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>A checked value: the normalised text, or Redis's error.</summary>
    private readonly record struct Checked(string? Value, string? Error);

    private sealed record Parameter(string Name, string Default, Kind Kind, string? Alias = null);
}
