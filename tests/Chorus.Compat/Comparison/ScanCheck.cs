using Chorus.Compat.Generation;
using Chorus.Compat.Servers;
using Chorus.Resp;

namespace Chorus.Compat.Comparison;

/// <summary>
/// SCAN 0 [MATCH p] [COUNT n] [TYPE t]: cursors are each server's own business, so each server's
/// iteration is finished with its own cursors (same options), and the sets of keys returned over
/// the whole iteration are compared. Redis may return a key twice; only the set counts.
/// </summary>
internal sealed class ScanCheck : FollowUpCheck
{
    /// <summary>A full iteration of the small keyspace takes a handful of calls; more means the cursor never returns to 0.</summary>
    private const int CallsMax = 10_000;

    public static ScanCheck Instance { get; } = new();

    public override async Task<string?> FollowUpAsync(ServerPair servers, Step step, RespValue redis, RespValue chorus, CancellationToken cancellationToken)
    {
        var redisKeys = await FinishAsync(servers.Redis, step, redis, cancellationToken);
        var chorusKeys = await FinishAsync(servers.Chorus, step, chorus, cancellationToken);
        if (redisKeys.Problem is not null || chorusKeys.Problem is not null)
        {
            return redisKeys.Problem ?? chorusKeys.Problem;
        }
        return redisKeys.Keys!.SetEquals(chorusKeys.Keys!)
            ? null
            : $"a full iteration returned different keys: redis {Elements.Show(redisKeys.Keys!.Order(StringComparer.Ordinal))}, chorus {Elements.Show(chorusKeys.Keys!.Order(StringComparer.Ordinal))}";
    }

    private static async Task<(HashSet<string>? Keys, string? Problem)> FinishAsync(ServerProcess server, Step step, RespValue first, CancellationToken cancellationToken)
    {
        var keys = new HashSet<string>(StringComparer.Ordinal);
        var page = first;
        for (var call = 0; call < CallsMax; call++)
        {
            if (page.Kind != RespValueKind.Array || page.Items.Count != 2 || page.Items[0].Kind != RespValueKind.BulkString)
            {
                return (null, $"{server.Name} answered a SCAN call with {page}");
            }
            keys.UnionWith(Elements.Of(page.Items[1]));
            var cursor = page.Items[0].Bytes.ToArray();
            if (cursor is [(byte)'0'])
            {
                return (keys, null);
            }
            page = (await ServerPair.SendToAsync(server, [Step.Build("SCAN", cursor, step.Args.Skip(2))], cancellationToken))[0];
        }
        return (null, $"{server.Name}'s SCAN did not return to cursor 0 within {CallsMax} calls");
    }
}
