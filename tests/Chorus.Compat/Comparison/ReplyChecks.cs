using Chorus.Resp;

namespace Chorus.Compat.Comparison;

/// <summary>The checks for replies that do not depend on chance.</summary>
internal static class ReplyChecks
{
    /// <summary>Byte for byte: type, value, order.</summary>
    public static ReplyCheck Exact { get; } = new ExactCheck();

    /// <summary>A collection whose order Redis does not define (SMEMBERS, KEYS, HKEYS): the same elements, each as often.</summary>
    public static ReplyCheck Unordered { get; } = new UnorderedCheck(pairs: false);

    /// <summary>Field-value pairs in no defined order (HGETALL): the same pairs, as a RESP2 flat array or a RESP3 map.</summary>
    public static ReplyCheck UnorderedPairs { get; } = new UnorderedCheck(pairs: true);

    /// <summary>
    /// TTL and EXPIRETIME in seconds: -1 and -2 exactly; times within <see cref="TimeToleranceMs"/>,
    /// since each server reads its own clock when a command runs (documented in docs/compatibility.md).
    /// </summary>
    public static ReplyCheck Seconds { get; } = new TimeCheck(unitMs: 1000);

    /// <summary>PTTL and PEXPIRETIME in milliseconds, with the same tolerance.</summary>
    public static ReplyCheck Milliseconds { get; } = new TimeCheck(unitMs: 1);

    /// <summary>How far apart the two servers' clocks may be read for the same command (a loaded machine stalls processes for seconds).</summary>
    public const long TimeToleranceMs = 10_000;

    /// <summary>The elements of an aggregate as sortable text, for multiset comparison.</summary>
    public static List<string> Canonical(RespValue value, bool pairs)
    {
        var items = value.Items.Select(i => i.ToString()).ToList();
        if (pairs)
        {
            items = [.. Enumerable.Range(0, items.Count / 2).Select(i => items[2 * i] + " => " + items[(2 * i) + 1])];
        }
        items.Sort(StringComparer.Ordinal);
        return items;
    }

    private sealed class ExactCheck : ReplyCheck
    {
        public override string? Compare(RespValue redis, RespValue chorus) => redis.Equals(chorus) ? null : "the replies differ";
    }

    private sealed class UnorderedCheck(bool pairs) : ReplyCheck
    {
        public override string? Compare(RespValue redis, RespValue chorus)
        {
            if (redis.Kind != chorus.Kind || redis.Items.Count == 0 || redis.Items.Count != chorus.Items.Count)
            {
                return Exact.Compare(redis, chorus);
            }
            var expected = Canonical(redis, pairs);
            var actual = Canonical(chorus, pairs);
            if (expected.SequenceEqual(actual))
            {
                return null;
            }
            var missing = expected.Except(actual).Take(5);
            var extra = actual.Except(expected).Take(5);
            return $"the {(pairs ? "pairs" : "elements")} differ (in any order): chorus lacks [{string.Join(", ", missing)}], has extra [{string.Join(", ", extra)}]";
        }
    }

    private sealed class TimeCheck(long unitMs) : ReplyCheck
    {
        public override string? Compare(RespValue redis, RespValue chorus)
        {
            if (redis.Kind != RespValueKind.Integer || chorus.Kind != RespValueKind.Integer || redis.Integer < 0 || chorus.Integer < 0)
            {
                return Exact.Compare(redis, chorus);
            }
            var apartMs = Math.Abs(redis.Integer - chorus.Integer) * unitMs;
            return apartMs <= TimeToleranceMs ? null : $"the times are {apartMs} ms apart (tolerance {TimeToleranceMs} ms)";
        }
    }
}
