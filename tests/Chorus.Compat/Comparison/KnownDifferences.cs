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
    ];

    public static Difference? Find(Step step, RespValue redis, RespValue chorus) =>
        All.FirstOrDefault(d => d.Applies(step, redis, chorus));

    /// <summary>A named difference, why it exists, and which command and replies it covers.</summary>
    internal sealed record Difference(string Name, string Reason, Func<Step, RespValue, RespValue, bool> Applies);
}
