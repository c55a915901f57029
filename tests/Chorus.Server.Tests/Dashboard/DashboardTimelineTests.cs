using Chorus.Server.Dashboard;

namespace Chorus.Server.Tests.Dashboard;

/// <summary>
/// The dashboard's timeline is found by comparing successive published statuses: a leader change
/// (DDIA ch. 5, "Handling node outages": failover) is one event naming the new epoch and leader;
/// rollbacks and acknowledgement degradations are events too; an unchanged status adds nothing.
/// </summary>
public sealed class DashboardTimelineTests
{
    [Fact]
    public void Leader_changes_rollbacks_and_degradations_each_become_one_event()
    {
        var timeline = new DashboardTimeline();
        var first = Status(epoch: 1, leader: "n1");
        timeline.Observe(first, 1_000);
        timeline.Observe(first, 2_000);
        timeline.Observe(Status(epoch: 2, leader: null), 3_000);
        timeline.Observe(Status(epoch: 2, leader: "n2"), 4_000);
        timeline.Observe(Status(epoch: 2, leader: "n2", rolledBack: 5, ack: "degraded"), 5_000);
        timeline.Observe(Status(epoch: 2, leader: "n2", rolledBack: 5, ack: "ok"), 6_000);

        Assert.Equal(
        [
            (1_000L, "leader", "epoch 1: n1 leads"),
            (3_000L, "election", "epoch 2: no leader known"),
            (4_000L, "leader", "epoch 2: n2 leads"),
            (5_000L, "rollback", "rolled back 5 divergent entries (kept in a rollback file)"),
            (5_000L, "ack", "acknowledgements degraded to async: followers did not confirm within 1000 ms"),
            (6_000L, "ack", "acknowledgements back to semi-sync any 1"),
        ], timeline.Events.Select(e => (e.AtMs, e.Kind, e.Text)));
    }

    [Fact]
    public void The_timeline_keeps_only_the_newest_events()
    {
        var timeline = new DashboardTimeline();
        for (var epoch = 1UL; epoch <= DashboardTimeline.EventsMax + 10; epoch++)
        {
            timeline.Observe(Status(epoch, "n1"), (long)epoch);
        }
        Assert.Equal(DashboardTimeline.EventsMax, timeline.Events.Count);
        Assert.Equal($"epoch {DashboardTimeline.EventsMax + 10}: n1 leads", timeline.Events[^1].Text);
    }

    /// <summary>
    /// A new member loads its snapshot as it starts, often before the first sample: that first
    /// sample still shows it installed; later ones show each further install once.
    /// </summary>
    [Fact]
    public void A_snapshot_installed_before_the_first_sample_and_after_it_are_both_events()
    {
        var timeline = new DashboardTimeline();
        var installed = Status(epoch: 1, leader: "n1") with { Snapshot = new DashboardSnapshot("installed", "n1", 100, 100, 1, 0) };
        timeline.Observe(installed, 1_000);
        timeline.Observe(installed, 2_000);
        timeline.Observe(installed with { Snapshot = installed.Snapshot with { Installed = 2 } }, 3_000);

        Assert.Equal(
        [
            (1_000L, "leader", "epoch 1: n1 leads"),
            (1_000L, "snapshot", "installed a snapshot from n1"),
            (3_000L, "snapshot", "installed a snapshot from n1"),
        ], timeline.Events.Select(e => (e.AtMs, e.Kind, e.Text)));
    }

    /// <summary>A leaderless node has no leaders or epochs: its timeline is the ring's versions and which peers answer.</summary>
    [Fact]
    public void A_leaderless_timeline_shows_ring_versions_and_peers_going_down_and_up()
    {
        var timeline = new DashboardTimeline();
        timeline.Observe(Ringed(version: 1, n3Up: true), 1_000);
        timeline.Observe(Ringed(version: 1, n3Up: true), 2_000);
        timeline.Observe(Ringed(version: 1, n3Up: false), 3_000);
        timeline.Observe(Ringed(version: 2, n3Up: true), 4_000);

        Assert.Equal(
        [
            (1_000L, "membership", "ring version 1: n1, n3"),
            (3_000L, "peer-down", "n3 is down (not heard from)"),
            (4_000L, "membership", "ring version 2: n1, n3"),
            (4_000L, "peer-up", "n3 answers again"),
        ], timeline.Events.Select(e => (e.AtMs, e.Kind, e.Text)));
    }

    [Fact]
    public void A_site_leaders_timeline_shows_its_outbound_links_changing_state()
    {
        var timeline = new DashboardTimeline();
        timeline.Observe(Sited("up"), 1_000);
        timeline.Observe(Sited("cut"), 2_000);
        timeline.Observe(Sited("up"), 3_000);

        Assert.Equal(
        [
            (1_000L, "leader", "epoch 1: n1 leads"),
            (2_000L, "peer-down", "link to s2: up → cut"),
            (3_000L, "peer-up", "link to s2: cut → up"),
        ], timeline.Events.Select(e => (e.AtMs, e.Kind, e.Text)));
    }

    private static DashboardStatus Ringed(long version, bool n3Up) =>
        Status(0, null) with
        {
            Family = "leaderless",
            Ring = new DashboardRing(version, 3, 2, 2, true, true, true, true, 0.5, 1, 10, 0, true, null,
                [new DashboardRingPeer("n1", "", true, true, null, 0), new DashboardRingPeer("n3", "", false, n3Up, 5, 0)],
                new DashboardRingTotals(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)),
        };

    private static DashboardStatus Sited(string state) =>
        Status(1, "n1") with
        {
            Family = "multi-leader",
            Sites = new DashboardSites("s1", "all-to-all", [], [], [], 0, 0, 0, 0, 0, 0,
                [new DashboardSiteLink("s2", "outbound", state, "s2n1", 0, 0, 0), new DashboardSiteLink("s2", "inbound", "up", "s2n1", 0, 0, 0)], []),
        };

    private static DashboardStatus Status(ulong epoch, string? leader, long rolledBack = 0, string ack = "ok") =>
        new("n1", leader == "n1" ? "leader" : "follower", leader, epoch, 0, 10, 10, 10,
            [new DashboardMember("n1", "127.0.0.1:7379", "voter", "leader", true, "leading", 10, 10, 0, 0, null)],
            new DashboardAcks("semi-sync any 1", "flushed", 1000, "degrade", ack, 0, 0),
            new DashboardFailover("auto", "no-failover", 0, 0),
            new DashboardSnapshot("none", "", 0, 0, 0, 0),
            rolledBack == 0 ? 0 : 1,
            rolledBack);
}
