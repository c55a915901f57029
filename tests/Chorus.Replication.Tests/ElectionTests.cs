using Chorus.Core;
using Chorus.Core.Log;
using Chorus.Replication.Election;
using Chorus.Replication.Membership;
using Chorus.Replication.Messages;
using Chorus.Replication.SingleLeader;

namespace Chorus.Replication.Tests;

/// <summary>
/// DDIA ch. 5, "Leader failure: Failover": detecting a dead leader, electing the most up-to-date
/// follower, fencing the old one with epochs, and never two leaders in one epoch.
/// </summary>
public sealed class ElectionTests(ITestOutputHelper output)
{
    private static string Text(LogEntry e) => System.Text.Encoding.UTF8.GetString(e.Payload.Span);

    [Fact]
    public void A_dead_leader_is_replaced_and_nothing_it_replicated_is_lost()
    {
        var cluster = new CoreCluster(3);
        cluster.StartAll();
        for (var i = 0; i < 10; i++)
        {
            cluster.Propose($"w{i}");
        }
        cluster.Settle();
        cluster.Crash("n1");
        cluster.Settle(rounds: 40);

        var leader = cluster.Leader.Value;
        Assert.NotEqual("n1", leader);
        Assert.True(cluster.Core(leader).Epoch > new Epoch(1));
        cluster.Propose("after");
        cluster.Settle();
        var expected = Enumerable.Range(0, 10).Select(i => $"w{i}").Append("after");
        Assert.Equal(expected, cluster["n2"].Payloads);
        Assert.Equal(expected, cluster["n3"].Payloads);

        cluster.Start("n1");
        cluster.Settle(rounds: 40);
        Assert.Equal(NodeRole.Follower, cluster.Core("n1").Role);
        Assert.Equal(expected, cluster["n1"].Payloads);
    }

    [Fact]
    public void Only_an_up_to_date_follower_can_win()
    {
        var cluster = new CoreCluster(3);
        cluster.StartAll();
        cluster.Settle();
        // n3 misses the last writes; then n1 dies. n3's log is behind n2's, so n2 must win.
        cluster.Network = m => m.To.Value != "n3";
        for (var i = 0; i < 5; i++)
        {
            cluster.Propose($"w{i}");
        }
        cluster.Settle(rounds: 2);
        cluster.Crash("n1");
        cluster.Network = _ => true;
        cluster.Settle(rounds: 60);

        Assert.Equal("n2", cluster.Leader.Value);
        Assert.Equal(["w0", "w1", "w2", "w3", "w4"], cluster["n3"].Payloads);
    }

    /// <summary>
    /// Issue 17: a follower whose loop stalled (it applied a 62 MiB entry, or its CPU was starved)
    /// could not hear the leader meanwhile; its first tick after the stall comes before the
    /// heartbeats waiting in its inbox. The stall is its own, not the leader's: it must not stand
    /// for election (it used to send pre-votes, and when both followers stalled, win).
    /// </summary>
    [Fact]
    public void A_follower_that_stalled_does_not_stand_before_reading_the_heartbeats_that_waited()
    {
        var cluster = new CoreCluster(3);
        cluster.StartAll();
        cluster.Settle();
        var epoch = cluster.Core("n1").Epoch;
        cluster.Stall("n2");
        for (var elapsedMs = 0L; elapsedMs < 5L * cluster.Options.ElectionTimeoutMs; elapsedMs += cluster.Options.HeartbeatIntervalMs)
        {
            cluster.DeliverAll();
            cluster.Advance(cluster.Options.HeartbeatIntervalMs);
        }
        var sentBefore = cluster.Sent.Count;
        cluster.EndStall("n2");

        Assert.DoesNotContain(cluster.Sent.Skip(sentBefore), m => m is RequestVote);
        cluster.Settle();
        Assert.Equal("n1", cluster.Leader.Value);
        Assert.All(cluster.Members, id => Assert.Equal(epoch, cluster.Core(id.Value).Epoch));
        Assert.Equal(NodeRole.Follower, cluster.Core("n2").Role);
    }

    /// <summary>The stall is forgiven, not the silence after it: followers that stalled just as their leader died elect another once they find no heartbeat waiting.</summary>
    [Fact]
    public void Followers_that_stalled_as_their_leader_died_still_replace_it()
    {
        var cluster = new CoreCluster(3);
        cluster.StartAll();
        cluster.Settle();
        cluster.Crash("n1");
        cluster.Stall("n2");
        cluster.Stall("n3");
        cluster.Advance(5L * cluster.Options.ElectionTimeoutMs);
        cluster.EndStall("n2");
        cluster.EndStall("n3");
        cluster.Settle(rounds: 4 * cluster.Options.ElectionTimeoutMs / cluster.Options.HeartbeatIntervalMs);

        Assert.NotEqual("n1", cluster.Leader.Value);
        Assert.Equal(NodeRole.Leader, cluster.Core(cluster.Leader.Value).Role);
    }

    /// Pre-vote: a node that was merely cut off does not disrupt a healthy cluster when it returns.
    [Fact]
    public void An_isolated_follower_does_not_depose_a_healthy_leader_when_it_returns()
    {
        var cluster = new CoreCluster(3);
        cluster.StartAll();
        cluster.Settle();
        var epoch = cluster.Core("n1").Epoch;
        cluster.Network = m => m.From.Value != "n3" && m.To.Value != "n3";
        cluster.Settle(rounds: 60);
        Assert.Equal(epoch, cluster.Core("n3").Epoch); // its pre-votes found nobody: its epoch did not move

        cluster.Network = _ => true;
        cluster.Settle(rounds: 30);
        Assert.Equal("n1", cluster.Leader.Value);
        Assert.Equal(epoch, cluster.Core("n1").Epoch);
    }

    /// The leader's lease: cut off from a majority, it stops leading and says why.
    [Fact]
    public void A_leader_cut_off_from_the_majority_steps_down_and_refuses_writes()
    {
        var cluster = new CoreCluster(3);
        cluster.StartAll();
        cluster.Settle();
        cluster.Network = m => m.From.Value != "n1" && m.To.Value != "n1";
        var old = cluster.Core("n1");
        cluster.Settle(rounds: 15);

        Assert.NotEqual(NodeRole.Leader, old.Role);
        var refusal = Assert.IsType<NoLeader>(old.Admission.Refusal);
        Assert.Contains("lost contact with a majority", Assert.IsType<LostQuorum>(refusal.LastStepDown).Describe(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_voter_votes_once_per_epoch_even_across_a_restart()
    {
        var cluster = new CoreCluster(3, new ReplicationOptions { ElectionTimeoutMs = 60_000 });
        cluster.StartAll();
        cluster.Settle();
        var n3 = cluster.Core("n3");
        var epoch = n3.Epoch.Next;
        n3.Step(new RequestVote(new NodeId("n2"), new NodeId("n3"), epoch, cluster.Core("n2").History.Last, PreVote: false, Transfer: true));
        var first = Assert.IsType<VoteResponse>(n3.TakeReady().Decoded().Single());
        Assert.True(first.Granted);
        cluster["n3"].StoredEpoch = epoch;
        cluster["n3"].VotedFor = new NodeId("n2");
        cluster.Crash("n3");
        cluster.Start("n3");

        var restarted = cluster.Core("n3");
        restarted.Step(new RequestVote(new NodeId("n1"), new NodeId("n3"), epoch, cluster.Core("n1").History.Last, PreVote: false, Transfer: true));
        var second = restarted.TakeReady().Decoded().OfType<VoteResponse>().Single();
        Assert.False(second.Granted);
    }

    [Fact]
    public void Manual_failover_hands_over_without_losing_a_write()
    {
        var cluster = new CoreCluster(3);
        cluster.StartAll();
        for (var i = 0; i < 20; i++)
        {
            cluster.Propose($"w{i}");
        }
        var leader = cluster.Core("n1");
        Assert.Equal(ControlResult.Done, leader.TransferLeadership(new NodeId("n2"), timeoutMs: 5_000));
        Assert.NotNull(leader.Transfer);
        cluster.Settle(rounds: 5);

        Assert.Equal("n2", cluster.Leader.Value);
        Assert.Equal(NodeRole.Follower, cluster.Core("n1").Role);
        Assert.Equal(new Epoch(2), cluster.Core("n2").Epoch);
        cluster.Propose("after");
        cluster.Settle();
        var expected = Enumerable.Range(0, 20).Select(i => $"w{i}").Append("after");
        Assert.Equal(expected, cluster["n1"].Payloads);
        Assert.Equal(expected, cluster["n3"].Payloads);
        Assert.Empty(cluster["n1"].RolledBack);
    }

    [Fact]
    public void A_manual_failover_that_cannot_complete_gives_up_and_writes_resume()
    {
        var cluster = new CoreCluster(3);
        cluster.StartAll();
        cluster.Settle();
        cluster.Crash("n3");
        var leader = cluster.Core("n1");
        cluster.Propose("w");
        Assert.Equal(ControlResult.Done, leader.TransferLeadership(new NodeId("n3"), timeoutMs: 500));
        cluster.Settle(rounds: 6);

        Assert.Null(leader.Transfer);
        Assert.Equal(NodeRole.Leader, leader.Role);
        Assert.Equal(ControlResult.TargetNotVotingFollower, leader.TransferLeadership(new NodeId("n4"), 500));
    }

    [Fact]
    public void In_manual_mode_nobody_takes_over_until_an_operator_says_so()
    {
        var cluster = new CoreCluster(3) { Failover = FailoverMode.Manual };
        cluster.StartAll();
        cluster.Settle();
        cluster.Crash("n1");
        cluster.Settle(rounds: 60);
        Assert.DoesNotContain(new[] { "n2", "n3" }, id => cluster.Core(id).Role != NodeRole.Follower);

        Assert.Equal(ControlResult.Done, cluster.Core("n3").ElectSelf());
        cluster.Settle(rounds: 5);
        Assert.Equal("n3", cluster.Leader.Value);
    }

    [Fact]
    public void Learners_never_vote_or_stand()
    {
        var cluster = new CoreCluster(3, new ReplicationOptions { PromoteLagEntriesMax = -1 });
        cluster.StartAll();
        var leader = cluster.Core("n1");
        leader.ProposeSettings(leader.Settings with
        {
            Members = [.. leader.Settings.Members.Select(m => m.Id.Value == "n3" ? m with { Role = MemberRole.Learner } : m)],
        });
        cluster.Settle();
        cluster.Crash("n1");
        cluster.Settle(rounds: 60);

        // n2 alone is half of the two voters left: no majority, so no leader — and n3 never stood.
        Assert.Equal(0, cluster.Core("n3").ElectionsStarted);
        Assert.NotEqual(NodeRole.Leader, cluster.Core("n2").Role);
        Assert.Equal(ControlResult.NotVoter, cluster.Core("n3").ElectSelf());
    }

    /// The lease counts a learner's messages too: once promoted it is a voter the leader has heard
    /// from, so promoting a learner never costs a leader its lease (a two-voter leader stepped down at the promotion).
    [Fact]
    public void Promoting_a_learner_does_not_cost_the_leader_its_lease()
    {
        var cluster = new CoreCluster(2, new ReplicationOptions { PromoteLagEntriesMax = -1 });
        cluster.StartAll();
        var leader = cluster.Core("n1");
        leader.ProposeSettings(leader.Settings with
        {
            Members = [.. leader.Settings.Members.Select(m => m.Id.Value == "n2" ? m with { Role = MemberRole.Learner } : m)],
        });
        cluster.Settle(rounds: 15);
        var epoch = leader.Epoch;

        leader.ProposeSettings(leader.Settings.WithMember(leader.Settings.Find(new NodeId("n2"))! with { Role = MemberRole.Voter }));
        cluster.Advance(cluster.Options.HeartbeatIntervalMs);

        Assert.Equal(NodeRole.Leader, leader.Role);
        Assert.Equal(epoch, leader.Epoch);
    }

    /// The safety properties under random crashes, partitions and message loss (seeded).
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void Never_two_leaders_in_one_epoch_and_epochs_never_go_back(int seed)
    {
        output.WriteLine($"seed {seed}");
        var random = new Random(seed);
        var cluster = new CoreCluster(5);
        cluster.StartAll();
        var leaders = new Dictionary<Epoch, string>();
        var highest = cluster.Members.ToDictionary(m => m.Value, _ => Epoch.Zero);
        var down = new HashSet<string>();
        for (var step = 0; step < 600; step++)
        {
            Perturb(cluster, random, down);
            cluster.DeliverAll();
            cluster.Advance(50);
            foreach (var id in cluster.Members.Select(m => m.Value).Where(id => !down.Contains(id)))
            {
                var core = cluster.Core(id);
                Assert.True(core.Epoch >= highest[id], $"seed {seed}: {id}'s epoch went back");
                highest[id] = core.Epoch;
                if (core.Role == NodeRole.Leader)
                {
                    Assert.True(!leaders.TryGetValue(core.Epoch, out var other) || other == id, $"seed {seed}: {other} and {id} both lead epoch {core.Epoch}");
                    leaders[core.Epoch] = id;
                    if (random.Next(4) == 0)
                    {
                        core.Propose(PayloadKind.Logical, System.Text.Encoding.UTF8.GetBytes($"s{step}"));
                    }
                }
            }
        }
        output.WriteLine($"{leaders.Count} epochs with a leader");
        Assert.True(leaders.Count > 1, "the faults caused failovers");
    }

    private static void Perturb(CoreCluster cluster, Random random, HashSet<string> down)
    {
        var roll = random.Next(100);
        var node = roll < 2 ? cluster.Leader.Value : $"n{random.Next(1, 6)}";
        if (roll < 4 && !down.Contains(node) && down.Count < 2)
        {
            cluster.Crash(node);
            down.Add(node);
        }
        else if (roll < 8 && down.Contains(node))
        {
            cluster.Start(node);
            down.Remove(node);
        }
        else if (roll < 11)
        {
            var isolated = node;
            cluster.Network = m => random.Next(10) > 0 && m.From.Value != isolated && m.To.Value != isolated;
        }
        else if (roll < 16)
        {
            cluster.Network = m => random.Next(20) > 0;
        }
    }
}
