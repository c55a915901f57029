
namespace Chorus.Replication.SingleLeader;

/// <summary>Builds a <see cref="NodeStatus"/> from the core's state (on the node's loop).</summary>
internal static class NodeStatusBuilder
{
    public static NodeStatus Build(SingleLeaderCore core)
    {
        var last = core.History.Last;
        var followers = core.Followers
            .OrderBy(f => f.Id.Value, StringComparer.Ordinal)
            .Select(f => new FollowerStatus(
                f.Id,
                f.ClientEndpoint,
                f.Role,
                f.State,
                f.Received,
                f.Match,
                f.Flushed,
                f.LastHeardAtMs,
                last.Lsn.DistanceFrom(f.Match),
                LagMs(core, f.Match),
                f.SubscribedFrom,
                f.AckLatencyMs))
            .ToArray();
        var acks = core.Acks is { } a ? new AckStatus(a.IsDegraded, a.DegradedSinceMs, a.Degradations, a.TimedOutWrites) : null;
        return new NodeStatus(core.Self, core.Role, core.Leader, core.Epoch, last, core.Flushed, core.NowMs, followers, LinkStatus(core), core.Settings, core.AckedLsn, acks, core.History.Base.Lsn,
            new ElectionStatus(core.VotedFor, core.ElectionsStarted, core.TimesElected, core.LastStepDownReason, core.Transfer?.State ?? "no-failover", core.Transfer?.Target))
        {
            Admission = core.Admission,
            Fingerprint = core.StatusFingerprint,
            CurrentAsOfMs = core.CurrentAsOfMs,
            Committed = core.CommitLsn,
            DurablyCommitted = core.LeaderState?.DurablyCommitted() ?? Core.Lsn.Zero,
        };
    }

    /// <summary>How long ago the leader committed the oldest entry the follower has not applied.</summary>
    private static long LagMs(SingleLeaderCore core, Core.Lsn match)
    {
        if (match >= core.History.Last.Lsn)
        {
            return 0;
        }
        var oldestMissing = core.EntryTimestamp(match.Next);
        return oldestMissing is { } timestamp ? Math.Max(0, core.NowMs - timestamp.PhysicalMs) : -1;
    }

    private static LeaderLinkStatus? LinkStatus(SingleLeaderCore core)
    {
        if (core.Role == Replication.NodeRole.Leader)
        {
            return null;
        }
        var link = core.Link;
        var lagEntries = link.LeaderLastLsn.DistanceFrom(core.Appended);
        var lastApplied = core.EntryTimestamp(core.Appended);
        var lagMs = lagEntries == 0 || lastApplied is null ? 0 : Math.Max(0, link.LeaderTime.PhysicalMs - lastApplied.Value.PhysicalMs);
        return new LeaderLinkStatus(link.IsUp, link.LeaderClientEndpoint, link.LastHeardAtMs, link.LeaderLastLsn, link.LeaderTime.PhysicalMs, link.ResumedFrom, link.Subscriptions, link.Truncations, lagEntries, lagMs);
    }
}
