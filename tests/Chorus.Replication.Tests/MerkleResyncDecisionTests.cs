using Chorus.Core;
using Chorus.Replication.Log;
using Chorus.Replication.Messages;

namespace Chorus.Replication.Tests;

/// <summary>
/// DESIGN §4.3 with --follower-resync merkle: the leader decides how a follower that fell out of
/// its log catches up, and the follower's core asks its host for exactly that.
/// </summary>
public sealed class MerkleResyncDecisionTests
{
    private static readonly RetentionOptions Tight = new() { RetainBytes = 1_000, KeepTailEntries = 5 };

    [Theory]
    [InlineData(FollowerResync.Snapshot)]
    [InlineData(FollowerResync.Merkle)]
    public void A_follower_behind_the_retired_log_is_told_to_resync_the_way_the_leader_is_set(FollowerResync method)
    {
        var cluster = new CoreCluster(3, new ReplicationOptions { FollowerResync = method });
        cluster.StartAll();
        cluster.Settle();
        cluster.Crash("n3");
        for (var i = 0; i < 100; i++)
        {
            cluster.Propose($"w{i}");
        }
        cluster.Settle(rounds: 30);
        var leader = cluster.Core("n1");
        leader.ConsiderRetention(Tight, new LogStats(new Lsn(1), leader.History.Last.Lsn, 100_000, 0));
        cluster.DeliverAll();

        cluster.Start("n3");
        cluster.Settle(rounds: 3);
        Assert.Contains(cluster.Sent, m => m is InstallSnapshot { To.Value: "n3" } install && install.Method == method);
        Assert.NotEmpty(cluster["n3"].ResyncMethods);
        Assert.All(cluster["n3"].ResyncMethods, m => Assert.Equal(method, m));

        // Whichever way the state came, the follower then streams the log from its position.
        cluster.InstallSnapshot("n3");
        cluster.Propose("after-resync");
        cluster.Settle();
        Assert.Equal(leader.History.Last, cluster.Core("n3").History.Last);
    }

    /// A follower in sync is never sent to a resync, whatever the setting.
    [Fact]
    public void A_follower_within_the_log_streams_even_with_merkle_resync_on()
    {
        var cluster = new CoreCluster(3, new ReplicationOptions { FollowerResync = FollowerResync.Merkle });
        cluster.StartAll();
        cluster.Settle();
        cluster.Crash("n3");
        cluster.Propose("while-down");
        cluster.Settle();
        cluster.Start("n3");
        cluster.Settle();
        Assert.DoesNotContain(cluster.Sent, m => m is InstallSnapshot);
        Assert.Equal("while-down", cluster["n3"].Payloads.Last());
    }

    [Fact]
    public void The_method_travels_in_install_snapshot_and_a_snapshot_is_encoded_as_before()
    {
        var merkle = new InstallSnapshot(new NodeId("n1"), new NodeId("n3"), new Epoch(2), new LogPosition(new Epoch(1), new Lsn(7)), FollowerResync.Merkle);
        Assert.Equal(merkle, PeerMessageCodec.Decode(PeerMessageCodec.Encode(merkle)));
        var snapshot = merkle with { Method = FollowerResync.Snapshot };
        Assert.Equal(snapshot, PeerMessageCodec.Decode(PeerMessageCodec.Encode(snapshot)));
        // A build before Merkle resync reads a snapshot request: no extra byte.
        Assert.Equal(PeerMessageCodec.Encode(merkle).Length - 1, PeerMessageCodec.Encode(snapshot).Length);
        var unknown = PeerMessageCodec.Encode(merkle);
        unknown[^1] = 9;
        Assert.Throws<Chorus.Core.Encoding.CorruptDataException>(() => PeerMessageCodec.Decode(unknown));
    }
}
