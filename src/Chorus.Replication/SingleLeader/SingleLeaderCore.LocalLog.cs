using Chorus.Core;
using Chorus.Core.Log;
using Chorus.Replication.Log;
using Chorus.Replication.Membership;

namespace Chorus.Replication.SingleLeader;

/// <summary>
/// The local log as the core stages it: entries and truncations queued for the host, settings
/// that take effect as their entry is appended, the commit point, and retiring the log's prefix.
/// </summary>
public sealed partial class SingleLeaderCore
{
    /// <summary>The highest LSN this node knows to be committed (on a majority of voters, in the current leader's history).</summary>
    internal Lsn CommitLsn { get; private set; }

    /// <summary>Everything up to <paramref name="lsn"/> is committed (the leader counted a majority, or the leader said so).</summary>
    internal void AdvanceCommitTo(Lsn lsn)
    {
        if (lsn > CommitLsn)
        {
            CommitLsn = Lsn.Min(lsn, History.Last.Lsn);
        }
    }

    /// <summary>The (epoch, LSN) of a position in the local log.</summary>
    public LogPosition PositionOf(Lsn lsn) =>
        new(History.EpochAt(lsn) ?? Epoch.Zero, lsn);

    /// <summary>Queues entries for the host to append, extending the local log now; <paramref name="proposed"/>: created here.</summary>
    internal void QueueAppend(IReadOnlyList<LogEntry> entries, bool proposed, bool sync = false)
    {
        foreach (var entry in entries)
        {
            History.Append(entry.Position);
            Cache.Append(entry);
            Clock.Observe(entry.Timestamp);
            if (entry.Kind == PayloadKind.ClusterConfig)
            {
                ApplySettings(ClusterSettings.Decode(entry.Payload.Span), entry.Lsn);
            }
        }
        if (Pending.LogOperations.Count > 0 && Pending.LogOperations[^1] is AppendOperation previous && previous.Proposed == proposed)
        {
            previous.Entries.AddRange(entries);
            previous.Sync |= sync;
        }
        else
        {
            Pending.LogOperations.Add(new AppendOperation([.. entries], proposed) { Sync = sync });
        }
    }

    internal void QueueTruncate(Lsn keepThrough)
    {
        History.TruncateAfter(keepThrough);
        Cache.TruncateAfter(keepThrough);
        Pending.LogOperations.Add(new TruncateOperation(keepThrough));
    }

    /// <summary>
    /// The host measured the log: retire its prefix if the retention policy says so, keeping what
    /// connected followers still need (a follower that needs retired entries gets a snapshot) and
    /// every entry not yet known to be on a majority, even past the hard cap: a failover may discard
    /// those, and a discarded entry reaches the rollback file only from the log. (They cannot pile
    /// up: a leader cut off from a majority stops taking writes when its lease runs out.)
    /// </summary>
    public void ConsiderRetention(RetentionOptions options, LogStats stats) => ConsiderRetention(options, stats, History.Last.Lsn.Next);

    /// <summary>
    /// As <see cref="ConsiderRetention(RetentionOptions, LogStats)"/>, keeping the log from
    /// <paramref name="keepFrom"/> on as well (a family built on this core may need older entries:
    /// multi-leader keeps what other sites have not received).
    /// </summary>
    public void ConsiderRetention(RetentionOptions options, LogStats stats, Lsn keepFrom)
    {
        var neededFrom = Lsn.Min(_leader?.NeededFrom ?? History.Last.Lsn.Next, keepFrom);
        if (RetentionPolicy.RetireThrough(options, stats, neededFrom, NowMs) is { } proposed && Lsn.Min(proposed, CommitLsn) is var through && through > History.Base.Lsn && through <= Appended)
        {
            History.RetireThrough(through);
            Pending.LogOperations.Add(new RetireOperation(through));
        }
    }

    /// <summary>The settings a configuration entry holds, or the bootstrap ones when the log has none.</summary>
    private static (ClusterSettings, Lsn) SettingsOf(ConfigEntry? config, ClusterConfig cluster) =>
        config is { } entry ? (ClusterSettings.Decode(entry.Payload.Span), entry.Lsn) : (cluster.BootstrapSettings(), Lsn.Zero);

    private static Dictionary<NodeId, string> PeerAddresses(ClusterSettings settings) =>
        settings.Members.ToDictionary(m => m.Id, m => m.PeerAddress);

    /// <summary>Settings take effect as soon as their entry is in the log (as Raft does with configurations).</summary>
    private void ApplySettings(ClusterSettings settings, Lsn at)
    {
        Settings = settings;
        SettingsLsn = at;
        _leader?.OnSettingsChanged();
        Notice($"cluster settings now: {string.Join(", ", settings.Members.Select(m => $"{m.Id} ({m.Role.ToString().ToLowerInvariant()})"))}; acknowledgement {settings.Ack}");
        Pending.Notices.Add(new PeersChanged(PeerAddresses(settings)));
    }
}
