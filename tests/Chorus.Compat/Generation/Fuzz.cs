using System.Globalization;
using System.Text;

namespace Chorus.Compat.Generation;

/// <summary>
/// Every random choice of one run, from one seeded source, so a seed replays the same commands.
/// The vocabulary is deliberately small (a few keys, fields and members) so that commands
/// collide on keys and types, and rich in edge cases: empty and binary strings, integers at
/// and past the 64-bit limits, floats Redis parses differently from .NET, invalid numbers.
/// </summary>
internal sealed class Fuzz(int seed)
{
    private readonly Random _random = new(seed);

    /// <summary>The keyspace: six ordinary keys, the empty key and a binary one.</summary>
    public static IReadOnlyList<byte[]> Keyspace { get; } =
        [.. Enumerable.Range(0, 6).Select(i => Utf8($"k{i}")), [], [0, 0xff, (byte)'\r', (byte)'\n', (byte)'k']];

    public int Next(int maxExclusive) => _random.Next(maxExclusive);

    public int Between(int minInclusive, int maxExclusive) => _random.Next(minInclusive, maxExclusive);

    public long Between(long minInclusive, long maxExclusive) => _random.NextInt64(minInclusive, maxExclusive);

    public bool Chance(double probability) => _random.NextDouble() < probability;

    public T Pick<T>(IReadOnlyList<T> items) => items[_random.Next(items.Count)];

    public T Pick<T>(params T[] items) => items[_random.Next(items.Length)];

    public byte[] Key() => Chance(0.94) ? Keyspace[Next(6)] : Keyspace[Between(6, Keyspace.Count)];

    /// <summary>One to <paramref name="max"/> keys, repeats allowed.</summary>
    public byte[][] Keys(int max) => [.. Enumerable.Range(0, Between(1, max + 1)).Select(_ => Key())];

    /// <summary>A hash field or a set member: small names, numbers (Redis's intset), empty, binary.</summary>
    public byte[] Element() => Next(10) switch
    {
        < 5 => Utf8($"e{Next(5)}"),
        < 8 => Utf8(Pick("1", "2", "-3", "100", "9223372036854775807", "01")),
        8 => [],
        _ => Pick(Utf8("e0\0"), [0xff, 0xfe], Utf8("é")),
    };

    public byte[][] Elements(int max) => [.. Enumerable.Range(0, Between(1, max + 1)).Select(_ => Element())];

    /// <summary>A string value: words, integers (valid, at the limits, past them, oddly written), floats, empty, binary, long.</summary>
    public byte[] Value() => Next(20) switch
    {
        < 4 => Utf8(Pick("a", "hello", "k0", "value with spaces", "*")),
        < 9 => Utf8(IntegerText()),
        < 12 => Utf8(FloatText()),
        12 => [],
        13 or 14 => Binary(Between(1, 17)),
        15 or 16 => Utf8(new string((char)('a' + Next(26)), Between(20, 300))),
        17 => Utf8(new string('x', Between(1000, 5000))),
        _ => Utf8(Between(-1000, 1000).ToString(CultureInfo.InvariantCulture)),
    };

    /// <summary>An integer argument as text: usually valid and small, sometimes at or past the limits, or not an integer.</summary>
    public string IntegerText() => Next(12) switch
    {
        < 6 => Between(-20, 50).ToString(CultureInfo.InvariantCulture),
        6 or 7 => Pick("9223372036854775807", "-9223372036854775808", "9223372036854775806", "-9223372036854775807", "4611686018427387904"),
        8 => Pick("9223372036854775808", "-9223372036854775809", "18446744073709551616", "99999999999999999999"),
        9 => Pick("01", "+1", " 1", "1 ", "-0", "00", "0x10", "1e3", "1.0", "-", "+", ""),
        10 => Pick("abc", "1a", "\u00a0\u0031", "１"),
        _ => Between(-1_000_000_000L, 1_000_000_000L).ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>A float argument as text: plain, exponent, hex, infinities, NaN, past the double range, invalid.</summary>
    public string FloatText() => Next(12) switch
    {
        < 4 => (Between(-100_000, 100_000) / 100.0).ToString("R", CultureInfo.InvariantCulture),
        4 => Pick("0.1", "0.2", "0.3", "1.1", "-0.1", "3.0", "1e10", "1e-5", "2.5e3", "1E2", "5.0e-324"),
        5 => Pick("1.7976931348623157e308", "-1.7976931348623157e308", "1e308", "4.9e-324", "1e400", "-1e400", "1e-400"),
        6 => Pick("inf", "-inf", "+inf", "Infinity", "-Infinity", "INF", "nan", "NaN", "-nan"),
        7 => Pick("0x10", "0x1p3", "0X1.8P1", ".5", "5.", "-.5", "+1.5", "00.5", "1_0"),
        8 => Pick(" 1.5", "1.5 ", "1,5", "1.5e", "e5", "1e+", "", "abc", "1.5.5", "--1", "\01"),
        9 => Pick("-0.0", "0.0", "-0", "0", "1", "10", "-1"),
        10 => (_random.NextDouble() * Math.Pow(10, Between(-20, 20))).ToString("R", CultureInfo.InvariantCulture),
        _ => IntegerText(),
    };

    /// <summary>
    /// A count argument (SPOP, SRANDMEMBER, HRANDFIELD, SCAN COUNT). Large negative counts other
    /// than the minimum are left out: Redis answers SRANDMEMBER key -N with N elements.
    /// </summary>
    public string CountText() => Next(10) switch
    {
        < 5 => Between(0, 8).ToString(CultureInfo.InvariantCulture),
        5 or 6 => Between(-8, 0).ToString(CultureInfo.InvariantCulture),
        7 => Pick("9223372036854775807", "2147483648", "4294967296", "1000"),
        8 => Pick("-9223372036854775808", "9223372036854775808", "-9223372036854775809"),
        _ => Pick("abc", "1.5", "", " 1", "+2", "0x2"),
    };

    /// <summary>
    /// A relative expiry in seconds: far in the future (so it never fires during a run and TTLs
    /// compare within a tolerance), zero or negative (the key expires at once), past the 64-bit
    /// millisecond range, or not an integer. Never a few seconds: that would race the clock.
    /// </summary>
    public string RelativeSecondsText() => Next(10) switch
    {
        < 5 => Between(1_000_000L, 100_000_000L).ToString(CultureInfo.InvariantCulture),
        5 or 6 => Pick("0", "-1", "-100", "-9223372036854775808", "-9223372036854775807", Between(-1_000_000_000L, 0L).ToString(CultureInfo.InvariantCulture)),
        7 => Pick("9223372036854775807", "9223372036854775", "9223372036854776", "9223372036854775806", "4611686018427387904"),
        8 => Pick("abc", "1.5", "", " 100000000", "1e9", "0x1000000"),
        _ => Between(100_000_000L, 10_000_000_000L).ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>An absolute Unix time in seconds: after 2100, long ago, zero or negative, huge, or invalid.</summary>
    public string AbsoluteSecondsText() => Next(10) switch
    {
        < 5 => Between(4_102_444_800L, 5_000_000_000L).ToString(CultureInfo.InvariantCulture),
        5 or 6 => Pick("0", "-1", "1", Between(1L, 1_000_000_000L).ToString(CultureInfo.InvariantCulture), "-9223372036854775808"),
        7 => Pick("9223372036854775807", "9223372036854775", "9223372036854776", "9223372036854775806"),
        8 => Pick("abc", "1.5", "", " 5000000000"),
        _ => Between(10_000_000_000L, 1_000_000_000_000L).ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>A time in milliseconds made from <paramref name="seconds"/>: scaled when it is a plain number, as is otherwise.</summary>
    public static string Milliseconds(string seconds) =>
        long.TryParse(seconds, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) && value is > -1_000_000_000_000L and < 1_000_000_000_000L
            ? (value * 1000).ToString(CultureInfo.InvariantCulture)
            : seconds;

    /// <summary>A glob pattern for KEYS and SCAN MATCH, including Redis's odd corners (unclosed classes, escapes, reversed ranges).</summary>
    public byte[] Pattern() => Utf8(Pick(
        "*", "*", "k*", "k?", "?0", "k[0-2]", "k[^0-2]", "k[2-0]", "*[1]", "k\\1", "k\\*", "[", "k[", "*[a-", "\\", "",
        "**", "?*?", "K*", "[k]*", "[^k]*", "k[0-9]*", "*\0*", "e*", "[]]*", "[\\]k]*", "k[0-"));

    public byte[] Binary(int length)
    {
        var bytes = new byte[length];
        _random.NextBytes(bytes);
        return bytes;
    }

    public static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);
}
