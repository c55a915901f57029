using Chorus.Compat.Generation;
using Chorus.Resp;

namespace Chorus.Compat.Comparison;

/// <summary>
/// The deliberate differences between Chorus and Redis 7.0 that a differential run accepts: the
/// only place they are applied. Each has its reason, and each is listed in docs/compatibility.md.
/// A reply that differs and matches none of these is a mismatch.
/// </summary>
internal static class KnownDifferences
{
    public static IReadOnlyList<Difference> All { get; } =
    [
        new("lua-5.4-integers",
            "Chorus runs scripts on Lua 5.4, whose integers are exact 64-bit values; Redis's Lua 5.1 holds every number as a double, so past 2^53 its script replies are rounded (docs/scripting.md)",
            (step, redis, chorus) => step.Name.StartsWith("EVAL", StringComparison.OrdinalIgnoreCase)
                && redis.Kind == RespValueKind.Integer && chorus.Kind == RespValueKind.Integer
                && Math.Abs((double)redis.Integer) >= 9007199254740992.0),
        new("zset-negative-zero",
            "a sorted-set score of -0 reads back as 0 from Chorus, as from Redis's listpack encoding (small sorted sets); Redis's skiplist encoding (more than zset-max-listpack-entries members, or a member longer than zset-max-listpack-value) keeps -0 (docs/compatibility.md)",
            (step, redis, chorus) => step.Name.StartsWith('Z') || step.Name.StartsWith("BZ", StringComparison.Ordinal)
                ? step.Check.Compare(NegativeZero.AsZero(redis), chorus) is null
                : false),
    ];

    public static Difference? Find(Step step, RespValue redis, RespValue chorus) =>
        All.FirstOrDefault(d => d.Applies(step, redis, chorus));

    /// <summary>A named difference, why it exists, and which command and replies it covers.</summary>
    internal sealed record Difference(string Name, string Reason, Func<Step, RespValue, RespValue, bool> Applies);
}
