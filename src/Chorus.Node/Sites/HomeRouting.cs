using Chorus.Commands.Execution;
using Chorus.Commands.Sites;
using Chorus.Core;
using Chorus.Replication;

namespace Chorus.Node;

/// <summary>
/// Conflict avoidance at a multi-leader site leader (docs/multi-leader.md, "Home sites"): a
/// client write whose keys have their home at another site is not made here but routed to that
/// site's leader (through the node shell's <see cref="WriteForwarding"/>, over the same
/// authenticated peer connection), so only the home site ever writes the key and no two sites
/// write it concurrently. A batch another site routed here is made here whatever this site's
/// settings say (they may lag the sender's for a moment) — unless they home its keys at a third
/// site — and is never routed again, so a write travels at most once between sites.
/// Single-threaded, on the loop.
/// </summary>
internal sealed class HomeRouting(ISiteRouter? router, CommandTable commands, WriteForwarding forwarding)
{
    /// <summary>
    /// True when the batch is taken care of — routed to its home site or refused (keys with two
    /// homes) — and false when this site makes it. Only site leaders get here (Admission accepts).
    /// </summary>
    public bool Routed(ClientWriteBatch batch, long nowMs)
    {
        if (router is null || router.Settings.Homes.Count == 0)
        {
            return false;
        }
        var decision = HomeSites.Decide(router.Settings, router.SiteIds, Keys(batch));
        if (decision.Home == router.Site && NotConfirmed(batch))
        {
            return true;
        }
        if (decision.Home == router.Site && MovingBack(batch) is { } returning)
        {
            batch.Fail(new HomeUnreachable(returning, null, $"its keys are moving back to it from {router.Site}, which takes no more writes to them"));
            return true;
        }
        if (batch.ForwardedBy is { } from && !router.InOwnSite(from))
        {
            return RefusedAsMoved(batch, decision);
        }
        if (decision.Crossing is { } crossing)
        {
            batch.Fail(HomeSites.CrossingError(crossing));
            return true;
        }
        if (decision.Home is not { } home)
        {
            return false;
        }
        if (home == router.Site)
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

    /// <summary>
    /// A batch another site routed here is made here (never routed on: a write crosses between
    /// sites at most once) — unless this site's settings home its keys at a third site: the sender's
    /// settings are older (a home just moved, say back to a site returning from failure), and
    /// making it here would write the key at a site that no longer holds it. Refused then; the
    /// client tries again once the settings have spread.
    /// </summary>
    private bool RefusedAsMoved(ClientWriteBatch batch, HomeDecision decision)
    {
        if (decision.Home is not { } home || home == router!.Site)
        {
            return false;
        }
        batch.Fail(new HomeUnreachable(router.Site, null, $"this site's settings name {home} as the key's home now; the sending site's are older"));
        return true;
    }

    /// <summary>
    /// A write homed at this site waits until this site leader has heard from the site that holds
    /// its homes while it is failed (<see cref="ISiteRouter.HomesConfirmed"/>): a leader that
    /// restarted with old settings must not write keys another site took over meanwhile.
    /// </summary>
    private bool NotConfirmed(ClientWriteBatch batch)
    {
        if (router!.HomesConfirmed)
        {
            return false;
        }
        batch.Fail(new HomeUnreachable(router.Site, null, "this site's leader has not yet heard the shared settings from the site that holds its keys while it is failed"));
        return true;
    }

    /// <summary>The returning site a key of the batch is moving back to, if any (see <see cref="ISiteRouter.HomesMovingBack"/>).</summary>
    private NodeId? MovingBack(ClientWriteBatch batch)
    {
        foreach (var returning in router!.HomesMovingBack)
        {
            var after = router.Settings.Returned(returning);
            if (Keys(batch).Any(key => HomeSites.HomeOf(after, router.SiteIds, key.Span) == returning))
            {
                return returning;
            }
        }
        return null;
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
