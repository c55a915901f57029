using Chorus.Core;
using Chorus.Core.Log;
using Chorus.Replication.Messages;
using Chorus.Replication.Progress;

namespace Chorus.Replication.Tests;

/// <summary>
/// Single-leader replication (DDIA ch. 5, "Leaders and Followers") driven through the core alone:
/// deterministic, no sockets, no clocks.
/// </summary>
public sealed class SingleLeaderReplicationTests
{
    [Fact]
    public void Leader_opens_a_new_epoch_with_a_noop_entry()
    {
        var cluster = new CoreCluster(3);
        cluster.StartAll();

        var leader = cluster.Core("n1");
        Assert.Equal(NodeRole.Leader, leader.Role);
        Assert.Equal(new Epoch(1), leader.Epoch);
        var first = Assert.Single(cluster["n1"].Log);
        Assert.Equal(PayloadKind.Noop, first.Kind);
        Assert.Equal(new LogPosition(new Epoch(1), new Lsn(1)), first.Position);
    }

    [Fact]
    public void Followers_apply_every_write_in_lsn_order()
    {
        var cluster = new CoreCluster(3);
        cluster.StartAll();
        for (var i = 0; i < 50; i++)
        {
            cluster.Propose($"w{i}");
        }
        cluster.Settle();

        var expected = Enumerable.Range(0, 50).Select(i => $"w{i}").ToArray();
        Assert.Equal(expected, cluster["n2"].Payloads);
        Assert.Equal(expected, cluster["n3"].Payloads);
        Assert.All(cluster.Core("n1").Followers, f => Assert.Equal(new Lsn(51), f.Match));
        Assert.All(cluster.Core("n1").Followers, f => Assert.Equal(FollowerState.Replicating, f.State));
    }

    /// DDIA ch. 5, "Handling node outages — follower failure: catch-up recovery".
    [Fact]
    public void Restarted_follower_resumes_from_its_own_last_lsn()
    {
        var cluster = new CoreCluster(3);
        cluster.StartAll();
        for (var i = 0; i < 10; i++)
        {
            cluster.Propose($"before{i}");
        }
        cluster.Settle();
        cluster.Crash("n2");
        for (var i = 0; i < 20; i++)
        {
            cluster.Propose($"during{i}");
        }
        cluster.Settle();

        cluster.Start("n2");
        cluster.Settle();

        Assert.Equal(new Lsn(12), cluster.Core("n2").Link!.ResumedFrom);
        Assert.Equal(new Lsn(12), cluster.Core("n1").Followers.Single(f => f.Id.Value == "n2").SubscribedFrom);
        var resent = cluster.Sent.OfType<AppendEntries>().Where(m => m.To.Value == "n2" && m.EntryCount > 0).Last();
        Assert.True(resent.Prev.Lsn >= new Lsn(11), "nothing before the resume point is shipped again");
        Assert.Equal(cluster["n1"].Log.Select(e => e.Position), cluster["n2"].Log.Select(e => e.Position));
    }

    [Fact]
    public void Lost_messages_are_sent_again()
    {
        var cluster = new CoreCluster(3);
        cluster.StartAll();
        cluster.Settle();
        cluster.Network = m => !(m is AppendEntries { EntryCount: > 0 } && m.To.Value == "n3");
        for (var i = 0; i < 5; i++)
        {
            cluster.Propose($"w{i}");
        }
        cluster.DeliverAll();
        Assert.Single(cluster["n3"].Log);

        cluster.Network = _ => true;
        cluster.Settle(rounds: 30);

        Assert.Equal(["w0", "w1", "w2", "w3", "w4"], cluster["n3"].Payloads);
    }

    /// DDIA ch. 5, "Leader failure: Failover": writes an isolated old leader accepted (async) but
    /// never replicated are discarded when it rejoins — into rollback records, never silently.
    [Fact]
    public void A_returning_old_leader_rolls_back_what_only_it_had()
    {
        var cluster = new CoreCluster(3);
        var successor = cluster.IsolateLeaderWithOrphans("orphan0", "orphan1", "orphan2");
        cluster.Propose("after-failover");

        cluster.Network = _ => true;
        cluster.Settle(rounds: 40);

        Assert.Equal(NodeRole.Follower, cluster.Core("n1").Role);
        Assert.Equal(cluster[successor].Log.Select(e => e.Position), cluster["n1"].Log.Select(e => e.Position));
        Assert.Equal(["orphan0", "orphan1", "orphan2"], cluster["n1"].RolledBack.Select(e => System.Text.Encoding.UTF8.GetString(e.Payload.Span)));
        Assert.Equal(1, cluster.Core("n1").Link.Truncations);
        Assert.Empty(cluster["n2"].RolledBack);
    }

    [Fact]
    public void A_follower_behind_the_entry_cache_is_served_from_the_log()
    {
        var cluster = new CoreCluster(2, new ReplicationOptions { EntryCacheBytesMax = 300, BatchBytesMax = 200 });
        cluster.StartAll();
        cluster.Settle();
        cluster.Crash("n2");
        for (var i = 0; i < 40; i++)
        {
            cluster.Propose($"write-{i:D3}");
        }
        cluster.Start("n2");
        cluster.Settle(rounds: 40);

        Assert.Equal(Enumerable.Range(0, 40).Select(i => $"write-{i:D3}"), cluster["n2"].Payloads);
    }

    [Fact]
    public void Inflight_bytes_to_a_silent_follower_stay_bounded()
    {
        var cluster = new CoreCluster(2, new ReplicationOptions { InflightBytesMax = 2_000, BatchBytesMax = 500 });
        cluster.StartAll();
        cluster.Settle();
        cluster.Network = m => m.To.Value != "n2";
        for (var i = 0; i < 200; i++)
        {
            cluster.Propose(new string('x', 50));
        }
        var shipped = cluster.Sent.OfType<AppendEntries>().Where(m => m.To.Value == "n2").Sum(m => m.Entries.Length);
        Assert.InRange(shipped, 1, 2_000 + 500);
    }

    [Fact]
    public void A_follower_that_hears_nothing_subscribes_again_and_reports_the_link_down()
    {
        var cluster = new CoreCluster(3, new ReplicationOptions { ElectionTimeoutMs = 60_000 });
        cluster.StartAll();
        cluster.Settle();
        Assert.True(cluster.Core("n2").Link.IsUp);

        cluster.Network = m => m.From.Value != "n2" && m.To.Value != "n2";
        cluster.Advance(cluster.Options.ResubscribeAfterMs + 1);
        cluster.DeliverAll();

        Assert.False(cluster.Core("n2").Link.IsUp);
        Assert.True(cluster.Core("n2").Link.Subscriptions > 1, "it subscribed again while cut off");
        cluster.Network = _ => true;
        cluster.Settle();
        Assert.True(cluster.Core("n2").Link.IsUp);
    }

    [Fact]
    public void A_follower_ignores_a_leader_from_an_older_epoch()
    {
        var cluster = new CoreCluster(2);
        cluster.StartAll();
        cluster.Settle();
        var follower = cluster.Core("n2");
        var epoch = follower.Epoch;
        var before = follower.History.Last;

        follower.Step(new AppendEntries(new NodeId("n1"), new NodeId("n2"), new Epoch(epoch.Value - 1), before,
            LogEntryBatch.Encode([LogEntry.Create(new LogPosition(Epoch.Zero, before.Lsn.Next), HlcTimestamp.Zero, new NodeId("n1"), PayloadKind.Logical, "stale"u8)]),
            1, before.Lsn.Next, HlcTimestamp.Zero, ""));

        Assert.Equal(before, follower.History.Last);
        var answer = Assert.IsType<AppendResponse>(Assert.Single(follower.TakeReady().Decoded()));
        Assert.Equal(epoch, answer.Epoch); // tells the stale leader about the newer epoch
    }

    [Fact]
    public void The_leader_stops_counting_a_follower_that_went_silent()
    {
        var cluster = new CoreCluster(3);
        cluster.StartAll();
        cluster.Settle();
        cluster.Crash("n3");
        cluster.Settle(rounds: cluster.Options.ResubscribeAfterMs * 3 / cluster.Options.HeartbeatIntervalMs);

        var states = cluster.Core("n1").Followers.ToDictionary(f => f.Id.Value, f => f.State);
        Assert.Equal(FollowerState.Replicating, states["n2"]);
        Assert.Equal(FollowerState.Probing, states["n3"]);
    }

    [Fact]
    public void Acknowledgement_follows_the_local_append_in_async_mode()
    {
        var cluster = new CoreCluster(3);
        cluster.StartAll();
        cluster.Network = _ => false;
        var entry = cluster.Core("n1").Propose(PayloadKind.Logical, "x"u8);
        var ready = cluster.Core("n1").TakeReady();
        Assert.DoesNotContain(ready.Completions, c => c.Through.Lsn >= entry.Lsn);
        Assert.Equal(entry.Lsn.Previous, cluster.Core("n1").AckedLsn);

        cluster.Core("n1").OnAppended(entry.Lsn, synced: false);
        Assert.Equal(entry.Lsn, Assert.Single(cluster.Core("n1").TakeReady().Completions, c => c.Outcome is Committed).Through.Lsn);
    }
}
