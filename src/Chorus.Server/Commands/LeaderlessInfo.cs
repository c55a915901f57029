using System.Globalization;
using System.Text;
using Chorus.Replication.Leaderless;
using static Chorus.Server.Commands.InfoBuilder;

namespace Chorus.Server.Commands;

/// <summary>
/// INFO replication on a leaderless node: role "leaderless", the quorum settings, the ring and
/// this node's share of it, which peers it sees up, and the running totals of reads, writes,
/// siblings, read repair, hinted handoff and anti-entropy (docs/leaderless.md lists them).
/// </summary>
internal static class LeaderlessInfo
{
    public static void Write(StringBuilder text, LeaderlessStatus status, Core.NodeId self)
    {
        var settings = status.Settings;
        var totals = status.Totals;
        Header(text, "Replication");
        Line(text, "role", "leaderless");
        Line(text, "chorus_family", "leaderless");
        // `chorus status` names each row by this (the single-leader section carries it too).
        Line(text, "chorus_node_id", self.Value);
        Line(text, "leaderless_n", settings.N);
        Line(text, "leaderless_w", settings.W);
        Line(text, "leaderless_r", settings.R);
        Line(text, "leaderless_sloppy_quorum", settings.SloppyQuorum ? 1 : 0);
        Line(text, "leaderless_read_repair", settings.ReadRepair ? 1 : 0);
        Line(text, "leaderless_anti_entropy", settings.AntiEntropy ? 1 : 0);
        Line(text, "leaderless_anti_entropy_keys_per_second", settings.AntiEntropyKeysPerSecond);
        Line(text, "leaderless_merkle_trees_kept", settings.MerkleTrees ? 1 : 0);
        Line(text, "leaderless_ring_version", status.Ring.Version);
        Line(text, "leaderless_ring_members", string.Join(',', status.Ring.Ids));
        Line(text, "leaderless_ring_member", status.IsMember ? 1 : 0);
        Line(text, "leaderless_ring_moving", status.PreviousRing is null ? 0 : 1);
        Line(text, "leaderless_ring_previous_members", string.Join(',', status.PreviousRing?.Ids ?? []));
        Line(text, "leaderless_ring_awaiting", string.Join(',', status.AwaitedGainers));
        Line(text, "leaderless_ranges_to_fetch", status.RangesToFetch);
        Line(text, "leaderless_ranges_streamed", totals.RangesStreamed);
        Line(text, "leaderless_keys_streamed", totals.KeysStreamed);
        Line(text, "leaderless_lost_ranges_dropping", status.DroppingLostRanges ? 1 : 0);
        Line(text, "leaderless_keys_dropped", totals.KeysDropped);
        Line(text, "leaderless_primary_share", Percent(status.PrimaryShare));
        Line(text, "leaderless_replica_share", Percent(status.ReplicaShare));
        Line(text, "leaderless_peers_up", status.Peers.Count(p => p.Up));
        // Up counts a peer never heard from as up for a while after start (so a fresh cluster's
        // writes are not all sloppy); heard is the ones actually heard from: ready for W = N.
        Line(text, "leaderless_peers_heard", status.Peers.Count(p => p.Up && p.LastHeardMs is not null));
        Line(text, "leaderless_peers_down", string.Join(',', status.Peers.Where(p => !p.Up).Select(p => p.Id)));
        Line(text, "leaderless_requests_in_flight", status.RequestsInFlight);
        Line(text, "leaderless_handovers_remembered", status.HandOversRemembered);
        Line(text, "leaderless_writes_waiting", status.WritesWaiting);
        Line(text, "leaderless_reads_waiting", status.ReadsWaiting);
        Line(text, "leaderless_reads", totals.Reads);
        Line(text, "leaderless_reads_failed", totals.ReadsFailed);
        Line(text, "leaderless_reads_with_siblings", totals.ReadsWithSiblings);
        Line(text, "leaderless_siblings_max", totals.SiblingsMax);
        Line(text, "leaderless_writes", totals.Writes);
        Line(text, "leaderless_writes_failed", totals.WritesFailed);
        Line(text, "leaderless_writes_forwarded", totals.WritesForwarded);
        Line(text, "leaderless_read_repairs", totals.ReadRepairs);
        Line(text, "leaderless_hints_pending", status.HintsPending);
        Line(text, "leaderless_hints_stored", totals.HintsStored);
        Line(text, "leaderless_hints_delivered", totals.HintsDelivered);
        Line(text, "leaderless_merkle_trees", status.Trees);
        Line(text, "leaderless_merkle_built", status.TreesBuilt ? 1 : 0);
        Line(text, "leaderless_anti_entropy_passes", status.AntiEntropyPasses);
        Line(text, "leaderless_ranges_compared", totals.RangesCompared);
        Line(text, "leaderless_ranges_differing", totals.RangesDiffering);
        Line(text, "leaderless_keys_repaired", totals.KeysRepaired);
        Line(text, "leaderless_keys_stored", status.KeysStored);
        Line(text, "leaderless_tombstones_pending", status.TombstonesPending);
        Line(text, "leaderless_tombstones_reaped", totals.TombstonesReaped);
        Line(text, "leaderless_tombstones_not_scheduled", totals.TombstonesNotScheduled);
        Line(text, "leaderless_hints_pruned", totals.HintsPruned);
        Line(text, "leaderless_hints_rehomed", totals.HintsRehomed);
        Line(text, "leaderless_expiring_keys", status.ExpiringKeys);
        Line(text, "leaderless_expired_keys_deleted", totals.ExpiredKeysDeleted);
        Line(text, "leaderless_refused_messages", totals.RefusedMessages);
    }

    private static string Percent(double share) => (share * 100).ToString("0.0", CultureInfo.InvariantCulture);
}
