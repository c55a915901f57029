using System.Diagnostics;
using Chorus.Compat.Generation;
using Chorus.Compat.Servers;
using Chorus.Resp;

namespace Chorus.Compat.Comparison;

/// <summary>
/// DBSIZE counts keys whose expiry has passed until the server reclaims them — Redis when a
/// command touches the key or its active expiry samples it, Chorus when the leader's expiry
/// cycle deletes it (both every 100 ms) — so equal keyspaces can answer differently for a
/// moment. When the two counts differ, both must come to the number of live keys (KEYS *,
/// itself compared) within <see cref="SettleTimeout"/>: a key counted that never expires away
/// is a mismatch.
/// </summary>
internal sealed class DbSizeCheck : FollowUpCheck
{
    public static readonly TimeSpan SettleTimeout = TimeSpan.FromSeconds(10);

    public static DbSizeCheck Instance { get; } = new();

    public override async Task<string?> FollowUpAsync(ServerPair servers, Step step, RespValue redis, RespValue chorus, CancellationToken cancellationToken)
    {
        if (redis.Equals(chorus))
        {
            return null;
        }
        var waited = Stopwatch.StartNew();
        while (true)
        {
            var (redisKeys, chorusKeys) = await AskBothAsync(servers, cancellationToken, "KEYS", "*");
            if (ReplyChecks.Unordered.Compare(redisKeys, chorusKeys) is { } difference)
            {
                return $"the live keys differ: {difference}";
            }
            var (redisSize, chorusSize) = await AskBothAsync(servers, cancellationToken, "DBSIZE");
            var live = redisKeys.Items.Count;
            if (redisSize.Integer == live && chorusSize.Integer == live)
            {
                return null;
            }
            if (waited.Elapsed > SettleTimeout)
            {
                return $"DBSIZE stayed redis {redisSize.Integer}, chorus {chorusSize.Integer} for {SettleTimeout.TotalSeconds:0} s with {live} live keys";
            }
            await Task.Delay(50, cancellationToken);   // a poll with a deadline: the servers reclaim on their own clocks
        }
    }
}
