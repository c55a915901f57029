using Chorus.Commands.Execution;
using Chorus.Commands.Sites;
using Chorus.Replication;

namespace Chorus.Node;

/// <summary>
/// Conflict avoidance at a multi-leader site leader (docs/multi-leader.md, "Home sites"): a
/// client write whose keys have their home at another site is not made here but routed to that
/// site's leader (through the node shell's <see cref="WriteForwarding"/>, over the same
/// authenticated peer connection), so only the home site ever writes the key and no two sites
/// write it concurrently. A batch another site routed here is made here whatever this site's
/// settings say (they may lag the sender's for a moment): it is never routed again, so a write
/// travels at most once between sites. Single-threaded, on the loop.
/// </summary>
internal sealed class HomeRouting(ISiteRouter? router, CommandTable commands, WriteForwarding forwarding)
{
    /// <summary>
    /// True when the batch is taken care of — routed to its home site or refused (keys with two
    /// homes) — and false when this site makes it. Only site leaders get here (Admission accepts).
    /// </summary>
    public bool Routed(ClientWriteBatch batch, long nowMs)
    {
        if (router is null || router.Settings.Homes.Count == 0 || (batch.ForwardedBy is { } from && !router.InOwnSite(from)))
        {
            return false;
        }
        var decision = HomeSites.Decide(router.Settings, router.SiteIds, Keys(batch));
        if (decision.Crossing is { } crossing)
        {
            batch.Fail(HomeSites.CrossingError(crossing));
            return true;
        }
        if (decision.Home is not { } home || home == router.Site)
        {
            return false;
        }
        if (!forwarding.Enabled)
        {
            batch.Fail(new HomeUnreachable(home, null, "this node has no forwarding link"));
            return true;
        }
        if (router.RouteTo(home) is not { } target)
        {
            batch.Fail(new HomeUnreachable(home, null));
            return true;
        }
        forwarding.Route(batch, home, target, nowMs);
        return true;
    }

    /// <summary>Every key argument of the batch's commands (unknown commands have none: the executor refuses them).</summary>
    private IEnumerable<ReadOnlyMemory<byte>> Keys(ClientWriteBatch batch)
    {
        for (var i = 0; i < batch.Commands.Count; i++)
        {
            var command = batch.Commands[i];
            if (commands.TryGet(command[0], out var spec))
            {
                foreach (var key in spec.KeysOf(command))
                {
                    yield return key;
                }
            }
        }
    }
}
