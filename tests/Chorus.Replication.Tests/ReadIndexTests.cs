using Chorus.Core;
using Chorus.Replication.Messages;

namespace Chorus.Replication.Tests;

/// <summary>
/// Linearizable reads through the single-leader core (Raft thesis §6.4): a read index confirmed by
/// a quorum round or a lease, served only once committed; follower reads through a read index from
/// the leader; the commit point followers learn from the leader.
/// </summary>
public sealed class ReadIndexTests
{
    [Fact]
    public void A_read_at_the_leader_waits_for_a_quorum_round_begun_after_it_arrived()
    {
        var cluster = new CoreCluster(3);
        cluster.StartAll();
        cluster.Propose("w1");
        cluster.Settle();
        var index = cluster.Core("n1").History.Last;

        var read = cluster.RequestRead("n1");
        Assert.False(cluster["n1"].Reads.ContainsKey(read), "not served before a majority confirmed the leadership");
        Assert.Contains(cluster.InFlight, m => m is AppendEntries { ReadRound: > 0 } && m.To.Value == "n2");
        cluster.DeliverAll();

        var served = Assert.IsType<ReadAt>(cluster["n1"].Reads[read]);
        Assert.True(served.Committed >= index);
    }

    [Fact]
    public void A_read_index_waits_until_everything_before_it_is_committed()
    {
        var cluster = new CoreCluster(3);
        cluster.StartAll();
        cluster.Settle();
        // The followers' disks are slow: they confirm rounds (heartbeats) but not the new entry.
        cluster["n2"].HoldAppends = true;
        cluster["n3"].HoldAppends = true;
        cluster.Propose("not yet on a majority");
        var index = cluster.Core("n1").History.Last.Lsn;
        var read = cluster.RequestRead("n1");
        cluster.DeliverAll();
        Assert.False(cluster["n1"].Reads.ContainsKey(read), "the write it could see is not committed yet");
        Assert.True(cluster.Core("n1").Committed!.Value.Lsn < index);

        cluster.ReleaseHeld("n2");
        cluster.ReleaseHeld("n3");
        cluster.DeliverAll();
        var served = Assert.IsType<ReadAt>(cluster["n1"].Reads[read]);
        Assert.True(served.Committed.Lsn >= index);
    }

    /// The known gap this closes: a leader that lost its majority must not answer from its own state.
    [Fact]
    public void A_leader_cut_off_from_the_majority_never_serves_a_linearizable_read()
    {
        var cluster = new CoreCluster(3);
        cluster.StartAll();
        cluster.Settle();
        cluster.Network = m => m.From.Value != "n1" && m.To.Value != "n1";
        var read = cluster.RequestRead("n1");
        cluster.Settle(rounds: 15);

        var refused = Assert.IsType<ReadRefused>(cluster["n1"].Reads[read]);
        Assert.True(refused.Reason is ReadNotConfirmed or LeadershipLost, refused.Reason.ToString());
    }

    [Fact]
    public void A_follower_read_waits_until_its_log_holds_the_leaders_read_index()
    {
        var cluster = new CoreCluster(3);
        cluster.StartAll();
        cluster.Settle();
        // n2 stops receiving entries (heartbeats still reach it); a write commits through n3.
        cluster.Network = m => !(m is AppendEntries { EntryCount: > 0 } && m.To.Value == "n2");
        cluster.Propose("w1");
        cluster.Settle(rounds: 2);
        var index = cluster.Core("n1").History.Last;
        Assert.True(cluster.Core("n2").Appended < index.Lsn);

        var read = cluster.RequestRead("n2");
        cluster.Settle(rounds: 2);
        Assert.False(cluster["n2"].Reads.ContainsKey(read), "n2 does not hold the read index yet");

        cluster.Network = _ => true;
        cluster.Settle(rounds: 15);
        var served = Assert.IsType<ReadAt>(cluster["n2"].Reads[read]);
        Assert.True(served.Committed >= index);
        Assert.True(cluster.Core("n2").Appended >= served.Committed.Lsn);
    }

    [Fact]
    public void A_follower_without_a_leader_refuses_at_once()
    {
        var cluster = new CoreCluster(3);
        cluster.Network = _ => false;
        cluster.StartAll();
        var read = cluster.RequestRead("n2");
        Assert.IsType<NoLeader>(Assert.IsType<ReadRefused>(cluster["n2"].Reads[read]).Reason);
    }

    [Fact]
    public void Followers_learn_the_commit_point_from_the_leader()
    {
        var cluster = new CoreCluster(3);
        cluster.StartAll();
        for (var i = 0; i < 5; i++)
        {
            cluster.Propose($"w{i}");
        }
        cluster.Settle();
        var last = cluster.Core("n1").History.Last;
        Assert.Equal(last, cluster.Core("n1").Committed);
        Assert.Equal(last, cluster.Core("n2").Committed);
        Assert.Equal(last, cluster.Core("n3").Committed);
    }

    [Fact]
    public void With_a_lease_a_confirmed_leader_serves_reads_without_another_round()
    {
        var cluster = new CoreCluster(3, new ReplicationOptions { ReadLease = true });
        cluster.StartAll();
        cluster.Settle(rounds: 30);
        cluster.RequestRead("n1");
        cluster.DeliverAll();
        cluster.Network = _ => false; // nobody hears anything now, yet the lease holds for a while

        var read = cluster.RequestRead("n1");
        Assert.IsType<ReadAt>(cluster["n1"].Reads[read]);
        Assert.True(cluster.Core("n1").LeaderReads.ByLease >= 1);
    }

    [Fact]
    public void A_lease_runs_out_and_then_reads_need_a_majority_again()
    {
        var options = new ReplicationOptions { ReadLease = true };
        var cluster = new CoreCluster(3, options);
        cluster.StartAll();
        cluster.Settle(rounds: 30);
        cluster.Network = m => m.From.Value != "n1" && m.To.Value != "n1";
        cluster.Advance(options.ReadLeaseMs);

        var read = cluster.RequestRead("n1");
        cluster.DeliverAll();
        Assert.False(cluster["n1"].Reads.ContainsKey(read));
        cluster.Settle(rounds: 15);
        Assert.IsType<ReadRefused>(cluster["n1"].Reads[read]);
    }

    /// A lease is a promise not to elect another leader for an election timeout; a node that
    /// restarts keeps it by granting no vote for that long after it starts.
    [Fact]
    public void With_leases_a_restarted_node_grants_no_vote_for_an_election_timeout()
    {
        var options = new ReplicationOptions { ReadLease = true };
        var cluster = new CoreCluster(3, options);
        cluster.StartAll();
        cluster.Settle(rounds: 30);
        cluster.Crash("n3");
        cluster.Start("n3");
        var n3 = cluster.Core("n3");
        var candidate = cluster.Core("n2");
        n3.Step(new RequestVote(candidate.Self, n3.Self, n3.Epoch.Next, candidate.History.Last, PreVote: true, Transfer: false));
        Assert.False(n3.TakeReady().Decoded().OfType<VoteResponse>().Single().Granted);

        cluster.Network = _ => false;
        cluster.Advance(options.ElectionTimeoutMs);
        n3.Step(new RequestVote(candidate.Self, n3.Self, n3.Epoch.Next, candidate.History.Last, PreVote: true, Transfer: false));
        Assert.True(n3.TakeReady().Decoded().OfType<VoteResponse>().Single().Granted);
    }

    [Fact]
    public void Reads_waiting_at_a_leader_that_steps_down_are_refused()
    {
        var cluster = new CoreCluster(3);
        cluster.StartAll();
        cluster.Settle();
        cluster.Network = _ => false;
        var read = cluster.RequestRead("n1");
        cluster.Core("n1").Step(new AppendEntries(new NodeId("n2"), new NodeId("n1"), cluster.Core("n1").Epoch.Next, cluster.Core("n1").History.Last, ReadOnlyMemory<byte>.Empty, 0, cluster.Core("n1").History.Last.Lsn, HlcTimestamp.Zero, ""));
        var ready = cluster.Core("n1").TakeReady();
        var completion = Assert.Single(ready.ReadCompletions);
        Assert.Equal(read, completion.Id);
        Assert.IsType<LeadershipLost>(Assert.IsType<ReadRefused>(completion.Outcome).Reason);
    }
}
