using Chorus.Core;
using Chorus.Replication.Messages;

namespace Chorus.Replication.Tests;

/// <summary>
/// Bounded staleness (docs/consistency.md, "Bounded staleness"): a follower dates its state by a
/// round trip on its own clock — it stamps each acknowledgement, the leader echoes the latest
/// stamp beside where its log ends — never by when it processed a leader's message.
/// </summary>
public sealed class BoundedStalenessStampTests
{
    private static readonly NodeId N1 = new("n1");
    private static readonly NodeId N2 = new("n2");

    /// The simulator's chaos seed 3: a paused follower works through its backlog at resume. Those
    /// messages echo stamps from before the pause, so it does not count itself current until a
    /// round trip made after the resume comes back.
    [Fact]
    public void A_follower_working_through_a_backlog_after_a_pause_is_as_old_as_the_pause()
    {
        var cluster = new CoreCluster(3);
        cluster.StartAll();
        cluster.Settle();
        var pausedAtMs = cluster.NowMs;
        cluster.Stall("n2");
        cluster.Propose("written while n2 is paused");
        for (var i = 0; i < 6; i++)
        {
            cluster.DeliverAll();
            cluster.Advance(cluster.Options.HeartbeatIntervalMs);
        }

        cluster.EndStall("n2");
        cluster.DeliverAll();
        Assert.Equal(cluster.Core("n1").History.Last, cluster.Core("n2").History.Last);
        var asOf = Assert.IsType<long>(cluster.Core("n2").CurrentAsOfMs);
        Assert.True(asOf <= pausedAtMs, $"current as of {asOf}, but paused at {pausedAtMs} (now {cluster.NowMs})");

        cluster.Advance(cluster.Options.HeartbeatIntervalMs);
        cluster.DeliverAll();
        asOf = Assert.IsType<long>(cluster.Core("n2").CurrentAsOfMs);
        Assert.InRange(cluster.NowMs - asOf, 0, 2 * cluster.Options.HeartbeatIntervalMs);
    }

    /// A leader of a build before stamps echoes nothing: the follower's staleness stays unknown
    /// (a bounded read is held back), never falsely fresh.
    [Fact]
    public void A_follower_whose_leader_echoes_no_stamp_never_counts_itself_current()
    {
        var cluster = new CoreCluster(3);
        cluster.StartAll();
        for (var round = 0; round < 20; round++)
        {
            while (cluster.InFlight.Count > 0)
            {
                if (cluster.InFlight[0] is AppendEntries { To.Value: "n2" } append)
                {
                    cluster.InFlight[0] = append with { EchoedStampMs = -1 };
                }
                cluster.DeliverNext();
            }
            cluster.Advance(cluster.Options.HeartbeatIntervalMs);
        }

        Assert.Equal(cluster.Core("n1").History.Last, cluster.Core("n2").History.Last);
        Assert.Null(cluster.Core("n2").CurrentAsOfMs);
        Assert.NotNull(cluster.Core("n3").CurrentAsOfMs);
    }

    [Fact]
    public void Stamps_round_trip_through_the_codec()
    {
        var append = new AppendEntries(N1, N2, new Epoch(3), new LogPosition(new Epoch(3), new Lsn(6)), ReadOnlyMemory<byte>.Empty, 0, new Lsn(6), HlcTimestamp.From(1234, 5), "", null, new Lsn(6), 2, EchoedStampMs: 1_700_000_123_456);
        var response = new AppendResponse(N2, N1, new Epoch(3), new LogPosition(new Epoch(3), new Lsn(6)), new Lsn(6), new Lsn(6), 2, StampMs: 0);

        Assert.Equal(1_700_000_123_456, ((AppendEntries)PeerMessageCodec.Decode(PeerMessageCodec.Encode(append))).EchoedStampMs);
        Assert.Equal(0, ((AppendResponse)PeerMessageCodec.Decode(PeerMessageCodec.Encode(response))).StampMs);
    }

    /// What a build before stamps sends is the same message without the trailing field: it decodes
    /// as "no stamp", and a message without a stamp is encoded exactly as such a build encodes it.
    [Fact]
    public void A_message_without_a_stamp_is_what_an_earlier_build_sends_and_decodes_as_none()
    {
        var withStamp = new AppendResponse(N2, N1, new Epoch(3), new LogPosition(new Epoch(3), new Lsn(6)), new Lsn(6), StampMs: 300);
        var withoutStamp = withStamp with { StampMs = -1 };
        var stamped = PeerMessageCodec.Encode(withStamp);
        var earlier = PeerMessageCodec.Encode(withoutStamp);

        Assert.Equal(earlier, stamped.AsSpan(0, earlier.Length).ToArray());
        Assert.Equal(-1, ((AppendResponse)PeerMessageCodec.Decode(earlier)).StampMs);
        var heartbeat = new AppendEntries(N1, N2, new Epoch(3), LogPosition.Zero, ReadOnlyMemory<byte>.Empty, 0, new Lsn(6), HlcTimestamp.Zero, "");
        Assert.Equal(-1, ((AppendEntries)PeerMessageCodec.Decode(PeerMessageCodec.Encode(heartbeat))).EchoedStampMs);
    }
}
