namespace Chorus.Server.Dashboard;

/// <summary>
/// The cluster's history as this node saw it, for the dashboard's timeline: leader changes
/// (epochs), rollbacks, acknowledgement degradations, snapshots and membership changes. Found
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
        if (previous is null)
        {
            Add(nowMs, current, LeaderKind(current), LeaderText(current));
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
        if (current.Snapshot.Installed > previous.Snapshot.Installed)
        {
            Add(nowMs, current, "snapshot", $"installed a snapshot from {current.Snapshot.Source}");
        }
        if (MemberList(previous) != MemberList(current))
        {
            Add(nowMs, current, "membership", $"members: {MemberList(current)}");
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
