namespace Chorus.Server.Dashboard;

/// <summary>
/// The cluster's history as this node saw it, for the dashboard's timeline: leader changes
/// (epochs), rollbacks, acknowledgement degradations, snapshots and membership changes; site
/// links going down, cut or up (multi-leader); ring versions and peers going down or up
/// (leaderless, which has no leaders or epochs). Found
/// by comparing successive statuses, so a change that comes and goes between two samples
/// (one second apart) is not seen. Bounded: the oldest events go first. Not thread-safe; the
/// feed calls it from its one sampling loop.
/// </summary>
internal sealed class DashboardTimeline
{
    /// <summary>Every tick carries the whole timeline, so it stays short.</summary>
    public const int EventsMax = 50;

    private readonly Queue<DashboardEvent> _events = new();
    private DashboardStatus? _previous;

    public IReadOnlyList<DashboardEvent> Events => [.. _events];

    public void Observe(DashboardStatus current, long nowMs)
    {
        var previous = _previous;
        _previous = current;
        if (current.Ring is { } ring)
        {
            // No leaders, epochs or acknowledgement modes here: what changes is who is reachable.
            ObserveRing(previous?.Ring, ring, current, nowMs);
            return;
        }
        if (current.Sites is { } sites)
        {
            ObserveLinks(previous?.Sites, sites, current, nowMs);
        }
        if (previous is null)
        {
            Add(nowMs, current, LeaderKind(current), LeaderText(current));
            // A new member loads its snapshot as it starts, often before the first sample: still an event of this run.
            ObserveSnapshot(0, current, nowMs);
            return;
        }
        if (previous.Epoch != current.Epoch || previous.Leader != current.Leader)
        {
            Add(nowMs, current, LeaderKind(current), LeaderText(current));
        }
        if (current.RolledBackEntries > previous.RolledBackEntries)
        {
            Add(nowMs, current, "rollback", $"rolled back {current.RolledBackEntries - previous.RolledBackEntries} divergent entries (kept in a rollback file)");
        }
        if (previous.Acks.State != current.Acks.State && current.Acks.State is not null && previous.Acks.State is not null)
        {
            Add(nowMs, current, "ack", current.Acks.State == "degraded"
                ? $"acknowledgements degraded to async: followers did not confirm within {current.Acks.TimeoutMs} ms"
                : $"acknowledgements back to {current.Acks.Mode}");
        }
        ObserveSnapshot(previous.Snapshot.Installed, current, nowMs);
        if (MemberList(previous) != MemberList(current))
        {
            Add(nowMs, current, "membership", $"members: {MemberList(current)}");
        }
    }

    private void ObserveSnapshot(long installedBefore, DashboardStatus current, long nowMs)
    {
        if (current.Snapshot.Installed > installedBefore)
        {
            Add(nowMs, current, "snapshot", $"installed a snapshot from {current.Snapshot.Source}");
        }
    }

    private void ObserveRing(DashboardRing? previous, DashboardRing current, DashboardStatus status, long nowMs)
    {
        if (previous is null || previous.RingVersion != current.RingVersion)
        {
            Add(nowMs, status, "membership", $"ring version {current.RingVersion}: {string.Join(", ", current.Peers.Select(p => p.Id))}");
        }
        foreach (var peer in current.Peers)
        {
            var before = previous?.Peers.FirstOrDefault(p => p.Id == peer.Id);
            if (before is not null && before.Up != peer.Up)
            {
                Add(nowMs, status, peer.Up ? "peer-up" : "peer-down", peer.Up ? $"{peer.Id} answers again" : $"{peer.Id} is down (not heard from)");
            }
        }
    }

    private void ObserveLinks(DashboardSites? previous, DashboardSites current, DashboardStatus status, long nowMs)
    {
        foreach (var link in current.Links.Where(l => l.Direction == "outbound"))
        {
            var before = previous?.Links.FirstOrDefault(l => l.Site == link.Site && l.Direction == link.Direction);
            if (before is not null && before.State != link.State)
            {
                Add(nowMs, status, link.State == "up" ? "peer-up" : "peer-down", $"link to {link.Site}: {before.State} → {link.State}");
            }
        }
    }

    private void Add(long nowMs, DashboardStatus status, string kind, string text)
    {
        _events.Enqueue(new DashboardEvent(nowMs, kind, status.Epoch, status.Leader, text));
        while (_events.Count > EventsMax)
        {
            _events.Dequeue();
        }
    }

    private static string LeaderKind(DashboardStatus status) => status.Leader is null ? "election" : "leader";

    private static string LeaderText(DashboardStatus status) =>
        status.Leader is null ? $"epoch {status.Epoch}: no leader known" : $"epoch {status.Epoch}: {status.Leader} leads";

    private static string MemberList(DashboardStatus status) =>
        string.Join(", ", status.Members.Select(m => m.MemberRole == "voter" ? m.Id : $"{m.Id} ({m.MemberRole})"));
}
