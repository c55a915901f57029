using Chorus.Core;
using Chorus.Replication.Messages;

namespace Chorus.Replication.Tests;

/// <summary>
/// Bounded staleness below two heartbeats (docs/consistency.md, "How bounded measures staleness"):
/// a follower holding a bounded read it cannot serve asks its leader for a round trip at once; the
/// leader answers with a heartbeat echoing the stamp, and the follower is current as of the moment
/// it asked. One request is outstanding at a time, shared by every read waiting.
/// </summary>
public sealed class FreshnessRequestTests
{
    private static readonly NodeId N1 = new("n1");
    private static readonly NodeId N2 = new("n2");

    /// An idle follower counts itself as old as the last heartbeat round (over 50 ms here); asked,
    /// it is current as of the moment it asked, one round trip later, without waiting for a heartbeat.
    [Fact]
    public void An_idle_follower_that_asks_is_current_as_of_its_request_after_one_round_trip()
    {
        var cluster = SettledCluster();
        cluster.Advance(60);
        cluster.DeliverAll();
        var before = Assert.IsType<long>(cluster.Core("n2").CurrentAsOfMs);
        Assert.True(cluster.NowMs - before > 50, $"an idle follower is {cluster.NowMs - before} ms old after a heartbeat round and 60 ms");
        cluster.Sent.Clear();

        cluster.Core("n2").RequestFreshness();
        cluster.Advance(0); // the core's Ready is carried out on the next round
        var askedAtMs = cluster.NowMs;
        cluster.DeliverAll();

        var request = Assert.Single(cluster.Sent.OfType<FreshnessRequest>());
        Assert.Equal((N2, N1, askedAtMs), (request.From, request.To, request.StampMs));
        var echo = Assert.Single(cluster.Sent.OfType<AppendEntries>(), m => m.To == N2);
        Assert.Equal(askedAtMs, echo.EchoedStampMs);
        Assert.Equal(askedAtMs, cluster.Core("n2").CurrentAsOfMs);
    }

    /// Every read waiting shares the one request on its way; once answered, the next wait asks again.
    [Fact]
    public void Reads_waiting_together_share_one_request_and_the_next_wait_asks_again()
    {
        var cluster = SettledCluster();
        cluster.Sent.Clear();

        for (var read = 0; read < 5; read++)
        {
            cluster.Core("n2").RequestFreshness();
        }
        cluster.Advance(1);
        cluster.Core("n2").RequestFreshness();
        cluster.Advance(0);
        Assert.Single(cluster.Sent.OfType<FreshnessRequest>());

        cluster.DeliverAll();
        cluster.Core("n2").RequestFreshness();
        cluster.Advance(0);
        Assert.Equal(2, cluster.Sent.OfType<FreshnessRequest>().Count());
    }

    /// A request lost in the network is asked again once a heartbeat interval has passed, not before.
    [Fact]
    public void A_lost_request_is_asked_again_after_a_heartbeat_interval()
    {
        var cluster = SettledCluster();
        cluster.Network = m => m is not FreshnessRequest;
        cluster.Advance(10); // asked after its last acknowledgement: a routine echo does not answer it
        cluster.Sent.Clear();

        cluster.Core("n2").RequestFreshness();
        cluster.Advance(0);
        cluster.DeliverAll();
        cluster.Advance(cluster.Options.HeartbeatIntervalMs - 1);
        cluster.Core("n2").RequestFreshness();
        cluster.Advance(0);
        Assert.Single(cluster.Sent.OfType<FreshnessRequest>());

        cluster.Advance(1);
        cluster.Core("n2").RequestFreshness();
        cluster.Advance(0);
        Assert.Equal(2, cluster.Sent.OfType<FreshnessRequest>().Count());
    }

    /// The echo proves freshness only together with the leader's log end: a follower that does not
    /// yet hold what the leader had when it answered is not current until it does.
    [Fact]
    public void An_echo_counts_only_once_the_follower_holds_the_leaders_log_end()
    {
        var cluster = SettledCluster();
        var before = cluster.Core("n2").CurrentAsOfMs;
        cluster.Network = m => m is not AppendEntries { EntryCount: > 0, To.Value: "n2" };
        cluster.Propose("not yet at n2");
        cluster.DeliverAll();
        cluster.Advance(10);

        cluster.Core("n2").RequestFreshness();
        cluster.Advance(0);
        cluster.DeliverAll();

        Assert.True(cluster.Core("n1").History.Last.Lsn > cluster.Core("n2").History.Last.Lsn);
        Assert.Equal(before, cluster.Core("n2").CurrentAsOfMs);
    }

    /// A leader counts itself current now: it asks nobody.
    [Fact]
    public void A_leader_sends_no_request()
    {
        var cluster = SettledCluster();
        cluster.Sent.Clear();

        cluster.Core(cluster.Leader.Value).RequestFreshness();
        cluster.Advance(0);

        Assert.Empty(cluster.Sent.OfType<FreshnessRequest>());
    }

    [Fact]
    public void A_request_round_trips_through_the_codec()
    {
        var request = new FreshnessRequest(N2, N1, new Epoch(4), 1_700_000_123_456);

        Assert.Equal(request, PeerMessageCodec.Decode(PeerMessageCodec.Encode(request)));
    }

    private static CoreCluster SettledCluster()
    {
        var cluster = new CoreCluster(3);
        cluster.StartAll();
        cluster.Settle();
        Assert.Equal(N1, cluster.Leader);
        return cluster;
    }
}
