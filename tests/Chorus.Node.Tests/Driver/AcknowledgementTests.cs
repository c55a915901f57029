using Chorus.Replication.Quorum;
using Chorus.Replication.SingleLeader;

namespace Chorus.Node.Tests.Driver;

/// <summary>What clients see of the acknowledgement policy: waits, -NOREPLICAS, degradation.</summary>
public sealed class AcknowledgementTests
{
    private static AckPolicy SemiSyncAny1(AckTimeoutAction onTimeout) => new(AckMode.SemiSync, 1, AckLevel.Flushed, 1000, onTimeout);

    [Fact]
    public void A_semi_sync_write_is_acknowledged_once_a_follower_has_it_on_disk()
    {
        var cluster = new DriverCluster(3, ack: SemiSyncAny1(AckTimeoutAction.Fail));
        cluster.StartAll();
        cluster.Settle();
        using var batch = cluster.Submit(["SET", "k", "v"]);
        Assert.False(batch.Completion.IsCompleted);

        cluster.DeliverAll();
        Assert.True(batch.Completion.IsCompleted);
        Assert.Equal("OK", DriverCluster.Replies(batch)[0].AsString());
        Assert.Equal("v", cluster.Read("n2", "GET", "k").AsString());
        Assert.Equal(0, cluster["n2"].Storage.UnsyncedOperations);
    }

    [Fact]
    public void When_no_follower_confirms_in_time_the_client_gets_noreplicas_and_later_writes_are_refused()
    {
        // A lease longer than the test, so the leader keeps leading while its followers are away.
        var cluster = new DriverCluster(3, ack: SemiSyncAny1(AckTimeoutAction.Fail), electionTimeoutMs: 60_000);
        cluster.StartAll();
        cluster.Settle();
        cluster.Network = _ => false;
        using var batch = cluster.Submit(["SET", "k", "v"]);
        cluster.Advance(900);
        Assert.False(batch.Completion.IsCompleted);

        cluster.Advance(200);
        var reply = Assert.Single(DriverCluster.Replies(batch));
        Assert.True(reply.IsError);
        Assert.StartsWith("NOREPLICAS Not enough good replicas to write", reply.AsString());

        for (var i = 0; i < 25; i++)
        {
            cluster.Advance(100);
        }
        using var refused = cluster.Submit(["SET", "other", "v"]);
        Assert.Equal("NOREPLICAS Not enough good replicas to write.", DriverCluster.Replies(refused)[0].AsString());
        Assert.True(cluster.Read("n1", "GET", "other").IsNull, "a refused write is not applied");
    }

    [Fact]
    public void Under_degrade_the_write_succeeds_as_async_and_the_leader_recovers_when_followers_return()
    {
        var cluster = new DriverCluster(3, ack: SemiSyncAny1(AckTimeoutAction.Degrade), electionTimeoutMs: 60_000);
        cluster.StartAll();
        cluster.Settle();
        cluster.Network = _ => false;
        using var batch = cluster.Submit(["SET", "k", "v"]);
        cluster.Advance(1_100);

        Assert.Equal("OK", DriverCluster.Replies(batch)[0].AsString());
        var status = cluster["n1"].Driver!.Status;
        Assert.True(status.Acks!.IsDegraded);
        Assert.Equal(cluster.NowMs - 1_100 + 1_000, status.Acks.DegradedSinceMs, tolerance: 100);

        cluster.Network = _ => true;
        cluster.Settle();
        Assert.False(cluster["n1"].Driver!.Status.Acks!.IsDegraded);
        Assert.Equal(cluster.Digest("n1"), cluster.Digest("n2"));
    }

    [Fact]
    public async Task The_acknowledgement_policy_changes_at_runtime_through_the_log()
    {
        var cluster = new DriverCluster(3);
        cluster.StartAll();
        cluster.Settle();
        var done = cluster.Admin("n1", core => ((SingleLeaderCore)core).ChangeSettings(s => s with { Ack = SemiSyncAny1(AckTimeoutAction.Fail) }) == ControlResult.Done ? null : "refused");
        Assert.True(done.IsCompleted, "a settings change completes once stored locally");
        Assert.Null(await done);
        cluster.Settle();

        Assert.Equal(AckMode.SemiSync, cluster["n3"].Driver!.Status.Settings.Ack.Mode);
        cluster.Network = _ => false;
        using var batch = cluster.Submit(["SET", "k", "v"]);
        Assert.False(batch.Completion.IsCompleted, "the leader now waits for a follower");
    }
}
