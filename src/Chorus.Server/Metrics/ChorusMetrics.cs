using Chorus.Node;
using System.Diagnostics.Metrics;
using Chorus.Replication;
using Chorus.Server.Commands;

namespace Chorus.Server.Metrics;

/// <summary>
/// The node's metrics as OpenTelemetry instruments (exported to Prometheus at /metrics).
/// Observed from the published node status, so collecting them never touches the node loop.
/// </summary>
internal sealed class ChorusMetrics : IDisposable
{
    public const string MeterName = "Chorus";

    private readonly Meter _meter = new(MeterName, ServerVersion.Chorus);

    public ChorusMetrics(NodeServices node)
    {
        _meter.CreateObservableGauge("chorus_is_leader", () => node.Driver.Status.Role == NodeRole.Leader ? 1 : 0, description: "1 on the leader, 0 on followers");
        _meter.CreateObservableGauge("chorus_epoch", () => (long)node.Driver.Status.Epoch.Value, description: "Current leadership epoch");
        _meter.CreateObservableGauge("chorus_last_lsn", () => (long)node.Driver.Status.Last.Lsn.Value, description: "Last LSN appended and applied locally");
        _meter.CreateObservableGauge("chorus_flushed_lsn", () => (long)node.Driver.Status.Flushed.Value, description: "Last LSN on stable storage");
        _meter.CreateObservableGauge("chorus_follower_lag_entries", () => FollowerMeasurements(node, f => (long)f.LagEntries), "{entries}", "Entries the leader has that the follower has not applied");
        _meter.CreateObservableGauge("chorus_follower_lag_ms", () => FollowerMeasurements(node, f => f.LagMs), "ms", "Age of the oldest entry the follower has not applied");
        _meter.CreateObservableGauge("chorus_follower_match_lsn", () => FollowerMeasurements(node, f => (long)f.Match.Value), description: "Last LSN the follower has applied");
        _meter.CreateObservableGauge("chorus_follower_ack_latency_ms", () => FollowerMeasurements(node, f => (long)Math.Round(f.AckLatencyMs)), "ms", "Smoothed time from commit on the leader to the follower's confirmation");
        _meter.CreateObservableGauge("chorus_follower_connected", () => FollowerMeasurements(node, f => f.State == Replication.Progress.FollowerState.Replicating ? 1 : 0), description: "1 while the follower is streaming");
        _meter.CreateObservableGauge("chorus_ack_degraded", () => node.Driver.Status.Acks?.IsDegraded == true ? 1 : 0, description: "1 while the leader acknowledges as async because followers did not confirm in time");
        _meter.CreateObservableCounter("chorus_ack_timed_out_writes_total", () => node.Driver.Status.Acks?.TimedOutWrites ?? 0, description: "Writes failed with NOREPLICAS (not confirmed in time)");
        _meter.CreateObservableCounter("chorus_rollbacks_total", () => node.Driver.Rollbacks, description: "Divergent log suffixes rolled back after a failover (each written to a rollback file)");
        _meter.CreateObservableCounter("chorus_rolled_back_entries_total", () => node.Driver.RolledBackEntries, "{entries}", "Log entries discarded by rollbacks (each one is in a rollback file)");
        _meter.CreateObservableGauge("chorus_leader_lag_ms", () => node.Driver.Status.Link?.LagMs ?? 0, "ms", "On a follower: age of the oldest entry not yet applied");
        _meter.CreateObservableGauge("chorus_leader_lag_entries", () => (long)(node.Driver.Status.Link?.LagEntries ?? 0), "{entries}", "On a follower: entries behind the leader");
        _meter.CreateObservableGauge("chorus_connected_clients", () => node.Clients.Count, description: "Open client connections");
        _meter.CreateObservableCounter("chorus_commands_total", () => node.Stats.CommandsProcessed, description: "Commands processed");
        _meter.CreateObservableCounter("chorus_forwarded_writes_total", () => node.Driver.ForwardedWrites, description: "Write commands this follower forwarded to the leader");
        _meter.CreateObservableCounter("chorus_guarded_reads_waited_total", () => node.Driver.Reads.Served, description: "Reads under a consistency level that waited in the read gate and were then served");
        _meter.CreateObservableCounter("chorus_reads_held_back_total", () => HeldBack(node.Driver.Reads), description: "Reads a consistency level held back (what would have been a stale or unsafe read), by reason");
        _meter.CreateObservableCounter("chorus_forwarded_reads_total", () => node.Stats.ForwardedReads, description: "Reads this follower had the leader serve (leader-window, leader-for-owned, ONTIMEOUT forward)");
        _meter.CreateObservableCounter("chorus_guarded_reads_refused_total", () => node.FollowerReads.Refused, description: "Guarded reads answered TRYAGAIN (the guarantee could not be met in time)");
        _meter.CreateObservableCounter("chorus_guarded_reads_redirected_total", () => node.FollowerReads.Redirected, description: "Guarded reads answered MOVED to the leader (ONTIMEOUT redirect)");
        _meter.CreateObservableGauge("chorus_sessions", () => node.Sessions?.Directory.Count ?? 0, description: "Named sessions (CHORUS.SESSION) this node knows");
        var staleMs = _meter.CreateHistogram("chorus_follower_read_staleness_ms", "ms", "How old a follower's data was when it served a read",
            advice: new InstrumentAdvice<long> { HistogramBucketBoundaries = [.. Consistency.FollowerReadStats.MsBounds] });
        var staleEntries = _meter.CreateHistogram("chorus_follower_read_staleness_entries", "{entries}", "How many entries behind the leader a follower was when it served a read",
            advice: new InstrumentAdvice<long> { HistogramBucketBoundaries = [.. Consistency.FollowerReadStats.EntryBounds] });
        node.FollowerReads.Observe = (ms, entries) =>
        {
            staleMs.Record(ms);
            staleEntries.Record(entries);
        };
        _meter.CreateObservableCounter("chorus_site_conflicts_total", () => node.Driver.Conflicts.Conflicts, description: "Multi-leader: conflicts between sites resolved here (lww or siblings)");
        _meter.CreateObservableCounter("chorus_site_resolver_failures_total", () => node.Driver.Conflicts.ResolverFailures, description: "Multi-leader: times a custom conflict resolver threw or was missing (the key kept its siblings)");
        _meter.CreateObservableCounter("chorus_site_read_resolutions_total", () => node.ReadResolution?.Resolved ?? 0, description: "Multi-leader: reads answered by a custom resolver's on-read handler");
        _meter.CreateObservableCounter("chorus_site_read_resolver_failures_total", () => node.ReadResolution?.Failures ?? 0, description: "Multi-leader: on-read handlers that threw or ran past ReadResolverTimeoutMs (the read showed the on-write merge; the siblings stayed)");
        _meter.CreateObservableCounter("chorus_site_read_writebacks_total", () => node.ReadResolution?.WrittenBack ?? 0, description: "Multi-leader: on-read resolutions written back (they replaced the siblings they saw)");
        _meter.CreateObservableGauge("chorus_site_conflicts_per_second", () => node.Driver.Conflicts.Rate.PerSecond(node.Driver.NowMs), "{conflicts}/s", "Multi-leader: conflicts resolved here per second, averaged over the last 10 whole seconds (INFO site_conflicts_per_sec; rate(chorus_site_conflicts_total) over any window)");
        _meter.CreateObservableCounter("chorus_site_conflict_lost_values_total", () => node.Driver.Conflicts.LostValues, description: "Multi-leader: values that lost a last-write-wins resolution (each is in the conflict log)");
        _meter.CreateObservableCounter("chorus_site_changes_applied_total", () => node.Driver.Status.Sites?.ChangesApplied ?? 0, description: "Multi-leader: changes from other sites applied here");
        _meter.CreateObservableGauge("chorus_site_link_lag_entries", () => SiteLinkMeasurements(node, l => (long)l.LagEntries), "{entries}", "Multi-leader: changes this site has that the linked site has not taken in");
        _meter.CreateObservableGauge("chorus_site_link_lag_ms", () => SiteLinkMeasurements(node, l => l.LagMs), "ms", "Multi-leader: how long the linked site has been missing changes");
        _meter.CreateObservableGauge("chorus_site_link_up", () => SiteLinkMeasurements(node, l => l.IsUp ? 1 : 0), description: "Multi-leader: 1 while the link to the site answers");
        _meter.CreateObservableCounter("chorus_error_replies_total", () => node.Stats.ErrorReplies, description: "Error replies sent");
        if (node.Options.IsLeaderless)
        {
            LeaderlessMetrics.Register(_meter, node);
        }
    }

    public void Dispose() => _meter.Dispose();

    private static IEnumerable<Measurement<long>> HeldBack(ReadGateCounters reads) =>
    [
        new(reads.NotCaughtUp, new KeyValuePair<string, object?>("reason", "not_caught_up")),
        new(reads.TooStale, new KeyValuePair<string, object?>("reason", "too_stale")),
        new(reads.NotLinearizable, new KeyValuePair<string, object?>("reason", "not_linearizable")),
        new(reads.NotCommitted, new KeyValuePair<string, object?>("reason", "not_committed")),
    ];

    private static IEnumerable<Measurement<long>> SiteLinkMeasurements(NodeServices node, Func<SiteLinkStatus, long> value) =>
        (node.Driver.Status.Sites?.Links ?? []).Select(l => new Measurement<long>(value(l), new KeyValuePair<string, object?>("site", l.Site.Value)));

    private static IEnumerable<Measurement<long>> FollowerMeasurements(NodeServices node, Func<FollowerStatus, long> value) =>
        node.Driver.Status.Followers.Select(f => new Measurement<long>(value(f), new KeyValuePair<string, object?>("follower", f.Id.Value)));
}
