using Chorus.Core;
using Chorus.Replication.Log;
using Chorus.Replication.Membership;
using Chorus.Replication.Messages;

namespace Chorus.Replication.Tests;

/// <summary>
/// DDIA ch. 5, "Setting Up New Followers" and the replication backlog: how much log a leader
/// keeps, when a follower must load a snapshot instead, and how learners join.
/// </summary>
public sealed class RetentionAndSnapshotTests
{
    private static readonly RetentionOptions Tight = new() { RetainBytes = 1_000, KeepTailEntries = 5 };

    [Fact]
    public void Nothing_is_retired_while_the_log_is_small_and_young()
    {
        var log = new LogStats(new Lsn(1), new Lsn(1_000), 500, FirstEntryTimeMs: 10_000);
        Assert.Null(RetentionPolicy.RetireThrough(new RetentionOptions(), log, new Lsn(1_001), nowMs: 20_000));
    }

    [Fact]
    public void A_large_log_loses_about_a_tenth_of_its_prefix_per_pass()
    {
        var log = new LogStats(new Lsn(1), new Lsn(1_000), 10_000, 0);
        Assert.Equal(new Lsn(100), RetentionPolicy.RetireThrough(Tight, log, new Lsn(1_001), 0));
    }

    /// A follower that needs more log than the whole data set is better served by a snapshot.
    [Fact]
    public void A_log_larger_than_its_data_is_retired_once_past_the_floor()
    {
        var options = new RetentionOptions { RetainBytes = 100_000, RetainFloorBytes = 1_000, KeepTailEntries = 5 };
        var biggerThanData = new LogStats(new Lsn(1), new Lsn(1_000), 5_000, 0, DataBytes: 4_000);
        Assert.Equal(new Lsn(100), RetentionPolicy.RetireThrough(options, biggerThanData, new Lsn(1_001), 0));
        Assert.Null(RetentionPolicy.RetireThrough(options, biggerThanData with { DataBytes = 6_000 }, new Lsn(1_001), 0));
        // Below the floor, a small data set keeps its log.
        Assert.Null(RetentionPolicy.RetireThrough(options, biggerThanData with { Bytes = 900, DataBytes = 10 }, new Lsn(1_001), 0));
        // Unknown data size: only the byte limit counts.
        Assert.Null(RetentionPolicy.RetireThrough(options, biggerThanData with { DataBytes = -1 }, new Lsn(1_001), 0));
        // What a connected follower needs is still kept.
        Assert.Null(RetentionPolicy.RetireThrough(options, biggerThanData, neededFrom: new Lsn(1), 0));
    }

    [Fact]
    public void An_old_log_is_retired_even_when_small()
    {
        var options = new RetentionOptions { RetainAgeMs = 1_000, KeepTailEntries = 5 };
        var log = new LogStats(new Lsn(1), new Lsn(1_000), 10, FirstEntryTimeMs: 0);
        Assert.NotNull(RetentionPolicy.RetireThrough(options, log, new Lsn(1_001), nowMs: 5_000));
    }

    [Fact]
    public void What_a_connected_follower_needs_is_kept_up_to_the_hard_cap()
    {
        var log = new LogStats(new Lsn(1), new Lsn(1_000), 10_000, 0);
        Assert.Equal(new Lsn(49), RetentionPolicy.RetireThrough(Tight, log, neededFrom: new Lsn(50), 0));
        Assert.Null(RetentionPolicy.RetireThrough(Tight, log, neededFrom: new Lsn(1), 0));
        var capped = Tight with { HardCapBytes = 5_000 };
        Assert.Equal(new Lsn(100), RetentionPolicy.RetireThrough(capped, log, neededFrom: new Lsn(1), 0));
    }

    [Fact]
    public void The_tail_is_always_kept()
    {
        var log = new LogStats(new Lsn(1), new Lsn(8), 10_000, 0);
        Assert.Equal(new Lsn(1), RetentionPolicy.RetireThrough(Tight with { KeepTailEntries = 7 }, log, new Lsn(9), 0));
        Assert.Null(RetentionPolicy.RetireThrough(Tight with { KeepTailEntries = 8 }, log, new Lsn(9), 0));
    }

    [Fact]
    public void Retiring_moves_the_epoch_history_base()
    {
        var history = EpochHistory.Empty();
        for (ulong i = 1; i <= 10; i++)
        {
            history.Append(new LogPosition(new Epoch(i <= 4 ? 1UL : 2UL), new Lsn(i)));
        }
        history.RetireThrough(new Lsn(6));
        Assert.Equal(new LogPosition(new Epoch(2), new Lsn(6)), history.Base);
        Assert.Null(history.EpochAt(new Lsn(5)));
        Assert.Equal(new Epoch(2), history.EpochAt(new Lsn(7)));
        // Which epoch wrote the retired entries is kept: a returning node's divergence is found by it.
        Assert.Equal([(new Epoch(1), new Lsn(1)), (new Epoch(2), new Lsn(5))], history.Epochs);
        var diverged = EpochHistory.Restore(LogPosition.Zero, new LogPosition(new Epoch(1), new Lsn(6)), [(new Epoch(1), new Lsn(1))]);
        Assert.Equal(new Lsn(4), history.CommonPoint(diverged));
    }

    /// A follower that was away longer than the backlog reloads from a snapshot, then streams the rest.
    [Fact]
    public void A_follower_behind_the_retired_log_gets_a_snapshot_and_then_the_log()
    {
        var cluster = new CoreCluster(3);
        cluster.StartAll();
        cluster.Settle();
        cluster.Crash("n3");
        for (var i = 0; i < 100; i++)
        {
            cluster.Propose($"w{i}");
        }
        // Long enough for the leader to stop counting n3 as connected (it no longer protects its entries).
        cluster.Settle(rounds: 30);
        var leader = cluster.Core("n1");
        leader.ConsiderRetention(Tight, new LogStats(new Lsn(1), leader.History.Last.Lsn, 100_000, 0));
        cluster.DeliverAll();
        Assert.True(leader.History.Base.Lsn > new Lsn(5), $"base {leader.History.Base}");

        cluster.Start("n3");
        cluster.Settle(rounds: 3);
        Assert.True(cluster["n3"].SnapshotRequests > 0);
        Assert.Contains(cluster.Sent, m => m is InstallSnapshot { To.Value: "n3" });

        cluster.InstallSnapshot("n3");
        cluster.Propose("after-snapshot");
        cluster.Settle();
        Assert.Equal(leader.History.Last, cluster.Core("n3").History.Last);
        Assert.Equal("after-snapshot", cluster["n3"].Payloads.Last());
    }

    /// DDIA ch. 5, "Leader failure": an old leader that comes back after its successor retired the
    /// log past the point where they diverged reloads from a snapshot — and the writes only it had
    /// go to its rollback record first, as they would with the log still there, never silently.
    [Fact]
    public void A_returning_old_leader_behind_the_retired_log_rolls_back_what_only_it_had_before_its_snapshot()
    {
        var cluster = new CoreCluster(3);
        var successor = cluster.IsolateLeaderWithOrphans("orphan0", "orphan1", "orphan2");
        var old = cluster.Core("n1");
        for (var i = 0; i < 100; i++)
        {
            cluster.Propose($"after-failover{i}");
        }
        cluster.Settle(rounds: 30);
        var leader = cluster.Core(successor);
        leader.ConsiderRetention(Tight, new LogStats(new Lsn(1), leader.History.Last.Lsn, 100_000, 0));
        cluster.DeliverAll();
        Assert.True(leader.History.Base.Lsn > old.History.Last.Lsn, $"the successor's log was retired past the divergence: base {leader.History.Base}, n1 ends at {old.History.Last}");

        cluster.Network = _ => true;
        cluster.Settle(rounds: 40);
        Assert.Equal(["orphan0", "orphan1", "orphan2"], cluster["n1"].RolledBack.Select(e => System.Text.Encoding.UTF8.GetString(e.Payload.Span)));
        Assert.True(cluster["n1"].SnapshotRequests > 0, "then it reloads from a snapshot");

        cluster.InstallSnapshot("n1");
        cluster.Propose("after-snapshot");
        cluster.Settle();
        Assert.Equal(leader.History.Last, cluster.Core("n1").History.Last);
    }

    /// Entries not yet on a majority are the only copy a failover could discard into a rollback
    /// file: they are never retired, not even past the hard cap.
    [Fact]
    public void Entries_not_yet_on_a_majority_are_never_retired()
    {
        var cluster = new CoreCluster(3);
        cluster.StartAll();
        cluster.Propose("shared");
        cluster.Settle();
        var leader = cluster.Core("n1");
        var committed = leader.History.Last.Lsn;

        cluster.Network = m => m.From.Value != "n1" && m.To.Value != "n1";
        for (var i = 0; i < 50; i++)
        {
            leader.Propose(Core.Log.PayloadKind.Logical, System.Text.Encoding.UTF8.GetBytes($"only-on-n1-{i}"));
        }
        cluster.Settle(rounds: 1);
        Assert.Equal(NodeRole.Leader, leader.Role);
        leader.ConsiderRetention(Tight with { HardCapBytes = 1_000 }, new LogStats(new Lsn(1), leader.History.Last.Lsn, 100_000, 0));
        cluster.DeliverAll();
        Assert.True(leader.History.Base.Lsn <= committed, $"base {leader.History.Base}, committed through {committed}");
    }

    [Fact]
    public void The_log_after_a_snapshot_in_transit_is_kept_for_its_follower()
    {
        var cluster = new CoreCluster(3, new ReplicationOptions { SnapshotNewNodeEntriesMin = 20 });
        cluster.Start("n1");
        cluster.Start("n2");
        cluster.DeliverAll();
        for (var i = 0; i < 50; i++)
        {
            cluster.Propose($"w{i}");
        }
        cluster.Start("n3");
        cluster.Settle(rounds: 3);
        var leader = cluster.Core("n1");
        leader.OnSnapshotTaken(new NodeId("n3"), leader.History.Last);
        var snapshotAt = leader.History.Last.Lsn;
        for (var i = 0; i < 50; i++)
        {
            cluster.Propose($"later{i}");
        }

        cluster.Crash("n2"); // only the snapshot now protects anything
        cluster.Settle(rounds: 30);
        leader.ConsiderRetention(Tight, new LogStats(new Lsn(1), leader.History.Last.Lsn, 1_000_000, 0));
        Assert.True(leader.History.Base.Lsn <= snapshotAt, "entries after the snapshot stay for the follower loading it");
        Assert.True(leader.History.Base.Lsn > Lsn.Zero, "entries before it may go");
    }

    [Fact]
    public void A_new_node_with_an_empty_log_joins_from_a_snapshot_when_the_log_is_long()
    {
        var cluster = new CoreCluster(3, new ReplicationOptions { SnapshotNewNodeEntriesMin = 20 });
        cluster.Start("n1");
        cluster.Start("n2");
        cluster.DeliverAll();
        for (var i = 0; i < 50; i++)
        {
            cluster.Propose($"w{i}");
        }
        cluster.Settle();

        cluster.Start("n3");
        cluster.Settle(rounds: 3);
        Assert.True(cluster["n3"].SnapshotRequests > 0);
        Assert.Empty(cluster["n3"].Log);
    }

    /// DESIGN §4.3: a learner receives the log but counts for nothing until it has caught up.
    [Fact]
    public void A_caught_up_learner_is_promoted_to_voter_through_the_log()
    {
        var cluster = new CoreCluster(3, new ReplicationOptions { PromoteLagEntriesMax = 5 });
        cluster.StartAll();
        var leader = cluster.Core("n1");
        var settings = leader.Settings;
        leader.ProposeSettings(settings with
        {
            Members = [.. settings.Members.Select(m => m.Id.Value == "n3" ? m with { Role = MemberRole.Learner } : m)],
        });
        cluster.Settle();

        Assert.Equal(MemberRole.Voter, leader.Settings.Find(new NodeId("n3"))!.Role);
        Assert.Equal(MemberRole.Voter, cluster.Core("n2").Settings.Find(new NodeId("n3"))!.Role);
        Assert.Equal(MemberRole.Voter, leader.Followers.Single(f => f.Id.Value == "n3").Role);
    }

    [Fact]
    public void A_removed_member_is_no_longer_replicated_to()
    {
        var cluster = new CoreCluster(3);
        cluster.StartAll();
        cluster.Settle();
        var leader = cluster.Core("n1");
        leader.ProposeSettings(leader.Settings.WithoutMember(new NodeId("n3")));
        cluster.Settle();
        var sentBefore = cluster.Sent.Count(m => m.To.Value == "n3");

        cluster.Propose("after-removal");
        cluster.Settle();

        Assert.Equal(sentBefore, cluster.Sent.Count(m => m.To.Value == "n3"));
        Assert.DoesNotContain(leader.Followers, f => f.Id.Value == "n3");
        Assert.Null(cluster.Core("n2").Settings.Find(new NodeId("n3")));
    }
}

public sealed class RetentionOnBothSidesTests
{
    [Fact]
    public void A_follower_that_retired_its_own_prefix_still_gets_a_snapshot_when_behind()
    {
        var tight = new RetentionOptions { RetainBytes = 1_000, KeepTailEntries = 5 };
        var cluster = new CoreCluster(3);
        cluster.StartAll();
        for (var i = 0; i < 40; i++)
        {
            cluster.Propose($"early{i}");
        }
        cluster.Settle();
        var n3 = cluster.Core("n3");
        n3.ConsiderRetention(tight, new LogStats(new Lsn(1), n3.History.Last.Lsn, 100_000, 0));
        cluster.DeliverAll();
        Assert.True(n3.History.Base.Lsn > Lsn.Zero);
        cluster.Crash("n3");
        for (var i = 0; i < 200; i++)
        {
            cluster.Propose($"w{i}");
        }
        cluster.Settle(rounds: 30);
        var leader = cluster.Core("n1");
        for (var pass = 0; pass < 20; pass++)
        {
            leader.ConsiderRetention(tight, new LogStats(leader.History.Base.Lsn.Next, leader.History.Last.Lsn, 100_000, 0));
            cluster.DeliverAll();
        }
        Assert.True(leader.History.Base.Lsn > new Lsn(100), $"leader base {leader.History.Base}");

        cluster.Start("n3");
        cluster.Settle(rounds: 5);
        Assert.True(cluster["n3"].SnapshotRequests > 0, $"n3 last {cluster.Core("n3").History.Last}, states {string.Join(",", leader.Followers.Select(f => $"{f.Id}:{f.State}:{f.Match}"))}");
    }
}
