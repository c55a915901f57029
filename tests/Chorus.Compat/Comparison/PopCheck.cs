using Chorus.Compat.Generation;
using Chorus.Compat.Servers;
using Chorus.Resp;

namespace Chorus.Compat.Comparison;

/// <summary>
/// SPOP key [count]: each server removes members of its own choosing. Checked: both popped as
/// many as Redis's rule says (min(count, size), one or nil without a count), distinct members
/// that are no longer in the set, and popped + remaining is the same set on both. Then each
/// server also removes what the other popped, so they hold the same set again.
/// </summary>
internal sealed class PopCheck : FollowUpCheck
{
    public static PopCheck Instance { get; } = new();

    public override async Task<string?> FollowUpAsync(ServerPair servers, Step step, RespValue redis, RespValue chorus, CancellationToken cancellationToken)
    {
        if (redis.Kind != chorus.Kind)
        {
            return $"the replies are of different kinds ({redis.Kind}, {chorus.Kind})";
        }
        var key = step.Args[1];
        var (redisLeft, chorusLeft) = await AskBothAsync(servers, cancellationToken, "SMEMBERS", key);
        var redisPopped = Elements.Of(redis);
        var chorusPopped = Elements.Of(chorus);
        var before = redisPopped.Concat(Elements.Of(redisLeft)).ToHashSet();
        var problem = Validate("redis", redisPopped, Elements.Of(redisLeft), step, before.Count)
            ?? Validate("chorus", chorusPopped, Elements.Of(chorusLeft), step, before.Count);
        if (problem is null && !before.SetEquals(chorusPopped.Concat(Elements.Of(chorusLeft))))
        {
            problem = $"popped + remaining differ: redis {Elements.Show(before)}, chorus {Elements.Show(chorusPopped.Concat(Elements.Of(chorusLeft)))}";
        }
        if (problem is null)
        {
            await ReconcileAsync(servers, key, redisPopped, chorusPopped, cancellationToken);
        }
        return problem;
    }

    private static string? Validate(string server, List<string> popped, List<string> left, Step step, int sizeBefore)
    {
        var count = Elements.CountArgument(step.Args, 2);
        var expected = count is null ? Math.Min(1, sizeBefore) : Math.Min(count.Value, sizeBefore);
        if (popped.Count != expected)
        {
            return $"{server} popped {popped.Count} members, expected {expected} (set of {sizeBefore})";
        }
        if (popped.Distinct().Count() != popped.Count || popped.Intersect(left).Any())
        {
            return $"{server} popped {Elements.Show(popped)} but still holds {Elements.Show(popped.Intersect(left))} or popped one twice";
        }
        return null;
    }

    /// <summary>Each server also removes what the other popped: both end with the members neither chose.</summary>
    private static async Task ReconcileAsync(ServerPair servers, byte[] key, List<string> redisPopped, List<string> chorusPopped, CancellationToken cancellationToken)
    {
        var fromRedis = chorusPopped.Except(redisPopped).Select(m => System.Text.Encoding.Latin1.GetBytes(m)).ToList();
        var fromChorus = redisPopped.Except(chorusPopped).Select(m => System.Text.Encoding.Latin1.GetBytes(m)).ToList();
        if (fromRedis.Count > 0)
        {
            await ServerPair.SendToAsync(servers.Redis, [Step.Build("SREM", key, fromRedis)], cancellationToken);
        }
        if (fromChorus.Count > 0)
        {
            await ServerPair.SendToAsync(servers.Chorus, [Step.Build("SREM", key, fromChorus)], cancellationToken);
        }
    }
}
