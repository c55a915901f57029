using Chorus.Replication.Messages;

namespace Chorus.Node.Tests.Driver;

/// <summary>
/// The node shell's read gate (docs/consistency.md): reads that must wait do so as loop state,
/// with the loop's time, and are served — or held back with the reason — by the production loop round.
/// </summary>
public sealed class ReadGateTests
{
    private static DriverCluster Started()
    {
        var cluster = new DriverCluster(3, electionTimeoutMs: 60_000);
        cluster.StartAll();
        cluster.Settle();
        return cluster;
    }

    /// DDIA ch. 5, "Reading Your Own Writes": a follower waits until it has applied the session's write.
    private static async Task<ReadVerdict> Done(TaskCompletionSource<ReadVerdict> verdict)
    {
        Assert.True(verdict.Task.IsCompleted, "the read gate has answered");
        return await verdict.Task;
    }

    [Fact]
    public async Task A_follower_read_waits_for_its_lsn_and_is_served_once_applied()
    {
        var cluster = Started();
        cluster.Network = m => m.To.Value != "n2";
        cluster.Write("SET", "k", "v1");
        var written = cluster["n1"].Driver!.Applied.Applied;

        var (verdict, value) = cluster.GuardedRead("n2", new ReadGuard { AtLeast = written, WaitMs = 5_000 }, "GET", "k");
        cluster.Advance(100);
        Assert.False(verdict.Task.IsCompleted, "n2 has not applied the write");

        cluster.Network = _ => true;
        cluster.Settle(rounds: 5);
        Assert.Equal(written, Assert.IsType<ReadServed>(await Done(verdict)).At);
        Assert.Equal("v1", value()!.AsString());
    }

    [Fact]
    public async Task A_read_that_waited_its_limit_is_held_back_with_what_it_lacked()
    {
        var cluster = Started();
        cluster.Network = m => m.To.Value != "n2";
        cluster.Write("SET", "k", "v1");
        var written = cluster["n1"].Driver!.Applied.Applied;

        var (verdict, value) = cluster.GuardedRead("n2", new ReadGuard { AtLeast = written, WaitMs = 300 }, "GET", "k");
        cluster.Advance(200);
        Assert.False(verdict.Task.IsCompleted);
        cluster.Advance(200);

        var reason = Assert.IsType<NotCaughtUp>(Assert.IsType<ReadHeldBack>(await Done(verdict)).Reason);
        Assert.Equal(written, reason.Needed);
        Assert.Null(value());
        Assert.StartsWith("TRYAGAIN this replica has applied the log up to LSN", ReadText.Error(reason));
        Assert.Equal(1, cluster["n2"].Driver!.Reads.NotCaughtUp);
    }

    [Fact]
    public async Task A_bounded_read_is_served_while_the_follower_is_current_and_held_back_once_it_is_too_stale()
    {
        var cluster = Started();
        var bounded = new ReadGuard { MaxStalenessMs = 500 };
        Assert.IsType<ReadServed>(await Done(cluster.GuardedRead("n2", bounded, "GET", "k").Verdict));

        cluster.Network = m => m.To.Value != "n2";
        cluster.Advance(300);
        Assert.IsType<ReadServed>(await Done(cluster.GuardedRead("n2", bounded, "GET", "k").Verdict));
        cluster.Advance(400);
        var (verdict, _) = cluster.GuardedRead("n2", bounded, "GET", "k");
        cluster.Advance(10);
        var reason = Assert.IsType<TooStale>(Assert.IsType<ReadHeldBack>(await Done(verdict)).Reason);
        Assert.True(reason.StalenessMs > 500, reason.ToString());
    }

    /// The leader applies a write before a majority holds it: a linearizable read that saw it is
    /// answered only once it is committed (else a failover could take back what the client saw).
    [Fact]
    public async Task A_linearizable_reply_waits_until_what_the_read_saw_is_committed()
    {
        var cluster = Started();
        cluster.Write("SET", "k", "committed");
        cluster.Settle(rounds: 2);
        // Heartbeats flow (the leader confirms its leadership), new entries do not reach a majority.
        cluster.Network = m => m is not AppendEntries { EntryCount: > 0 };
        var (verdict, value) = cluster.GuardedRead("n1", new ReadGuard { Linearizable = true, WaitMs = 5_000 }, "GET", "k");
        cluster.Write("SET", "k", "not yet on a majority");
        cluster.DeliverAll();

        Assert.Equal("not yet on a majority", value()?.AsString());
        Assert.False(verdict.Task.IsCompleted, "served, but not answered before it is committed");

        cluster.Network = _ => true;
        cluster.Settle(rounds: 20);
        Assert.IsType<ReadServed>(await Done(verdict));
    }

    [Fact]
    public async Task A_linearizable_read_at_a_leader_cut_off_from_the_majority_is_held_back()
    {
        var cluster = Started();
        cluster.Network = _ => false;
        var (verdict, value) = cluster.GuardedRead("n1", new ReadGuard { Linearizable = true, WaitMs = 500 }, "GET", "k");
        cluster.Advance(300);
        Assert.False(verdict.Task.IsCompleted);
        cluster.Advance(300);
        Assert.IsType<NotLinearizable>(Assert.IsType<ReadHeldBack>(await Done(verdict)).Reason);
        Assert.Null(value());
    }
}
