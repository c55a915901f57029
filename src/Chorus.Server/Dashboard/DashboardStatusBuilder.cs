using Chorus.Replication;
using Chorus.Replication.Membership;
using Chorus.Replication.Progress;
using Chorus.Replication.Quorum;
using Chorus.Server.Hosting;

namespace Chorus.Server.Dashboard;

/// <summary>
/// Turns the node's published <see cref="NodeStatus"/> (an immutable snapshot the node loop
/// hands out) into the dashboard's view. Pure: it reads nothing else and keeps no state.
/// </summary>
internal static class DashboardStatusBuilder
{
    public static DashboardStatus Build(NodeStatus status, SnapshotProgress snapshots, long rollbacks, long rolledBackEntries) =>
        new(
            status.Self.Value,
            Text(status.Role),
            status.Leader?.Value,
            status.Epoch.Value,
            status.AtMs,
            status.Last.Lsn.Value,
            status.Flushed.Value,
            status.Committed.Value,
            Members(status),
            Acks(status),
            new DashboardFailover(status.Settings.Failover.ToString().ToLowerInvariant(), status.Election.FailoverState, status.Election.ElectionsStarted, status.Election.TimesElected),
            new DashboardSnapshot(snapshots.State.ToString().ToLowerInvariant(), snapshots.Source, snapshots.BytesDone, snapshots.BytesTotal, snapshots.Installed, snapshots.Served),
            rollbacks,
            rolledBackEntries);

    /// <summary>The chart point for this status: the lag of every member whose lag this node knows, and of each outbound site link.</summary>
    public static Dictionary<string, MemberLag> Lag(DashboardStatus status) =>
        status.Members
            .Where(m => m.LagEntries is not null && m.Role != "leader")
            .Select(m => KeyValuePair.Create(m.Id, new MemberLag(m.LagEntries!.Value, m.LagMs ?? 0)))
            .Concat(DashboardFamilyViews.Lag(status))
            .ToDictionary();

    private static List<DashboardMember> Members(NodeStatus status)
    {
        var members = status.Settings.Members.Select(m => Member(status, m)).ToList();
        if (members.All(m => !m.Self))
        {
            // Not (yet) in the replicated membership, e.g. a node that is still joining: show it anyway.
            members.Insert(0, Member(status, new Member(status.Self, "", "", MemberRole.Learner)));
        }
        return members;
    }

    private static DashboardMember Member(NodeStatus status, Member member)
    {
        var self = member.Id == status.Self;
        var role = member.Id == status.Leader ? "leader" : self ? Text(status.Role) : "follower";
        var row = new DashboardMember(member.Id.Value, member.ClientEndpoint, Text(member.Role), role, self, null, null, null, null, null, null);
        if (status.Role == NodeRole.Leader)
        {
            return self ? Leading(row, status) : FromLeader(row, status.Followers.FirstOrDefault(f => f.Id == member.Id));
        }
        if (self)
        {
            var link = status.Link;
            return row with
            {
                State = link?.IsUp == true ? "streaming" : "no leader link",
                AppliedLsn = status.Last.Lsn.Value,
                FlushedLsn = status.Flushed.Value,
                LagEntries = link?.LagEntries,
                LagMs = link?.LagMs,
            };
        }
        // A follower knows the leader's last LSN from the stream, and nothing of the other followers.
        return member.Id == status.Leader && status.Link is { } leaderLink
            ? row with { State = "leading", AppliedLsn = leaderLink.LeaderLastLsn.Value }
            : row;
    }

    private static DashboardMember Leading(DashboardMember row, NodeStatus status) =>
        row with { State = "leading", AppliedLsn = status.Last.Lsn.Value, FlushedLsn = status.Flushed.Value, LagEntries = 0, LagMs = 0 };

    private static DashboardMember FromLeader(DashboardMember row, FollowerStatus? follower) =>
        follower is null
            ? row with { State = "not connected" }
            : row with
            {
                Endpoint = string.IsNullOrEmpty(row.Endpoint) ? follower.ClientEndpoint : row.Endpoint,
                State = Text(follower.State),
                AppliedLsn = follower.Match.Value,
                FlushedLsn = follower.Flushed.Value,
                LagEntries = follower.LagEntries,
                LagMs = follower.LagMs,
                AckLatencyMs = Math.Round(follower.AckLatencyMs, 3),
            };

    private static DashboardAcks Acks(NodeStatus status)
    {
        var ack = status.Settings.Ack;
        var state = status.Acks is { } acks ? acks.IsDegraded ? "degraded" : "ok" : null;
        return new DashboardAcks(ack.ModeText, AckPolicy.LevelText(ack.Level), ack.TimeoutMs, AckPolicy.TimeoutActionText(ack.OnTimeout), state,
            status.Acks?.Degradations ?? 0, status.Acks?.TimedOutWrites ?? 0);
    }

    private static string Text(NodeRole role) => role.ToString().ToLowerInvariant();

    private static string Text(MemberRole role) => role.ToString().ToLowerInvariant();

    private static string Text(FollowerState state) => state switch
    {
        FollowerState.NeedsSnapshot => "needs snapshot",
        _ => state.ToString().ToLowerInvariant(),
    };
}
