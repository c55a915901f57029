using System.Diagnostics.Metrics;
using Chorus.Replication.Leaderless;
using Chorus.Server.Commands;

namespace Chorus.Server.Metrics;

/// <summary>
/// A leaderless node's instruments (docs/leaderless.md, "Seeing it"): ring share, peers up, hints,
/// reads, writes, siblings, read repair and anti-entropy — observed from the published status.
/// </summary>
internal static class LeaderlessMetrics
{
    public static void Register(Meter meter, NodeServices node)
    {
        LeaderlessStatus? Status() => node.Driver.Status.Family as LeaderlessStatus;
        long Total(Func<LeaderlessTotals, long> value) => Status() is { } status ? value(status.Totals) : 0;
        meter.CreateObservableGauge("chorus_leaderless_primary_share", () => Status()?.PrimaryShare ?? 0, description: "Share of the key space this node is first on the ring for (0 to 1)");
        meter.CreateObservableGauge("chorus_leaderless_replica_share", () => Status()?.ReplicaShare ?? 0, description: "Share of the key space this node holds a replica of (0 to 1)");
        meter.CreateObservableGauge("chorus_leaderless_peers_up", () => Status()?.Peers.Count(p => p.Up) ?? 0, description: "Peers heard from within PeerDownAfterMs");
        meter.CreateObservableGauge("chorus_leaderless_hints_pending", () => Status()?.HintsPending ?? 0, "{hints}", "Hints held for home replicas that missed writes");
        meter.CreateObservableGauge("chorus_leaderless_siblings_max", () => Total(t => t.SiblingsMax), description: "Most siblings a read has returned");
        meter.CreateObservableCounter("chorus_leaderless_reads_total", () => Total(t => t.Reads), description: "Reads answered by R replicas");
        meter.CreateObservableCounter("chorus_leaderless_reads_failed_total", () => Total(t => t.ReadsFailed), description: "Reads that did not reach R replies in time");
        meter.CreateObservableCounter("chorus_leaderless_writes_total", () => Total(t => t.Writes), description: "Writes this node coordinated");
        meter.CreateObservableCounter("chorus_leaderless_writes_failed_total", () => Total(t => t.WritesFailed), description: "Writes that did not reach W acknowledgements in time");
        meter.CreateObservableCounter("chorus_leaderless_read_repairs_total", () => Total(t => t.ReadRepairs), description: "Replicas sent newer versions after a read");
        meter.CreateObservableCounter("chorus_leaderless_hints_delivered_total", () => Total(t => t.HintsDelivered), "{hints}", "Hints handed to their returning home replica and deleted");
        meter.CreateObservableCounter("chorus_leaderless_ranges_differing_total", () => Total(t => t.RangesDiffering), description: "Anti-entropy comparisons that found a range differing");
        meter.CreateObservableGauge("chorus_leaderless_tombstones_pending", () => Status()?.TombstonesPending ?? 0, "{keys}", "Deletions waiting out TombstoneGraceMs before collection");
        meter.CreateObservableCounter("chorus_leaderless_tombstones_reaped_total", () => Total(t => t.TombstonesReaped), "{keys}", "Deleted keys whose records this node removed");
        meter.CreateObservableCounter("chorus_leaderless_expired_keys_deleted_total", () => Total(t => t.ExpiredKeysDeleted), "{keys}", "Expired keys this node deleted by quorum write");
        meter.CreateObservableCounter("chorus_leaderless_keys_dropped_total", () => Total(t => t.KeysDropped), "{keys}", "Keys deleted because a completed membership change moved their range to other nodes");
        meter.CreateObservableCounter("chorus_leaderless_keys_repaired_total", () => Total(t => t.KeysRepaired), description: "Keys anti-entropy changed on this node");
    }
}
