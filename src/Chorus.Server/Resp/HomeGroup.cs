using Chorus.Commands.Execution;
using Chorus.Commands.Sites;
using Chorus.Core;
using Chorus.Replication;
using Chorus.Resp;

namespace Chorus.Server.Resp;

/// <summary>
/// Keeps a pipelined group of writes at a multi-leader site to one home site (docs/multi-leader.md,
/// "Home sites"): the loop routes a group as a whole, so a write homed at another site starts a
/// group of its own, and a command whose own keys have two homes goes alone (it fails with
/// CROSSSITE without taking its neighbours with it). Decided on the published settings; the loop
/// decides again on its own.
/// </summary>
internal struct HomeGroup
{
    private readonly SitesStatus? _sites;
    private readonly IReadOnlyList<NodeId> _siteIds;
    private NodeId? _home;
    private bool _closed;

    public HomeGroup(NodeStatus status)
    {
        _sites = status.Sites is { Settings.Homes.Count: > 0 } sites ? sites : null;
        _siteIds = _sites is null ? [] : [_sites.Site, .. _sites.Links.Select(l => l.Site)];
    }

    /// <summary>Whether <paramref name="command"/> may join the group (<paramref name="first"/>: it starts it, and always may).</summary>
    public bool Admits(CommandSpec spec, RespCommand command, bool first)
    {
        if (_sites is null)
        {
            return true;
        }
        if (_closed)
        {
            return false;
        }
        var decision = HomeSites.Decide(_sites.Settings, _siteIds, spec.KeysOf(command));
        if (decision.Crossing is not null)
        {
            _closed = first;
            return first;
        }
        if (decision.Home is not { } home)
        {
            return true;
        }
        _home ??= home;
        return _home == home;
    }
}
