using Chorus.Core;
using Chorus.Core.Sites;

namespace Chorus.Replication.MultiLeader;

/// <summary>
/// Which changes travel on which link, per topology (DDIA ch. 5, figure 5-8). A site never sends a
/// change back to its origin, and a receiver drops a change it already has (its frontier says
/// so), so forwarding around a ring or through a star never loops and nothing is applied twice.
/// </summary>
public static class SiteRoutes
{
    /// <summary>The sites this site sends to.</summary>
    public static IReadOnlyList<NodeId> Targets(SiteTopology topology, NodeId self, IReadOnlyList<NodeId> sites, IReadOnlyCollection<NodeId> failed)
    {
        var live = sites.Where(s => s == self || !failed.Contains(s)).ToList();
        switch (topology.Kind)
        {
            case TopologyKind.Ring:
                // The next live site around the ring: a failed site is skipped, so the ring closes around it.
                var at = live.IndexOf(self);
                return live.Count > 1 ? [live[(at + 1) % live.Count]] : [];
            case TopologyKind.Star when topology.Hub is { } hub && hub != self:
                return failed.Contains(hub) ? [] : [hub];
            default:
                return [.. live.Where(s => s != self)];
        }
    }

    /// <summary>Whether this site passes on <paramref name="change"/> to <paramref name="target"/>: its own changes always; others' only where the topology forwards.</summary>
    public static bool Carries(SiteTopology topology, NodeId self, NodeId target, ChangeHeader change)
    {
        if (change.Origin == target)
        {
            return false;
        }
        return change.Origin == self || topology.Kind == TopologyKind.Ring || (topology.Kind == TopologyKind.Star && topology.Hub == self);
    }
}
