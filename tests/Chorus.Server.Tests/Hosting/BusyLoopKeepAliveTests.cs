using Chorus.Core;
using Chorus.Core.Messaging;
using Chorus.Server.Hosting;

namespace Chorus.Server.Tests.Hosting;

/// <summary>
/// Issue 17: while the node's loop spends seconds on one round (a 31 MiB overwrite), the host
/// repeats the latest heartbeat or acknowledgement the core sent each peer, so the peers do not
/// take a busy node for a dead one. The replication side (which messages are keep-alive, and that
/// copies keep followers loyal) is Chorus.Replication.Tests' BusyLoopKeepAliveTests.
/// </summary>
public sealed class BusyLoopKeepAliveTests
{
    private const int IntervalMs = 100;
    private readonly List<Envelope> _sent = [];

    private static Envelope Message(string to, byte tag, bool keepAlive) =>
        new(new NodeId("n1"), new NodeId(to), new MessageFamily(1), new[] { tag }, KeepAlive: keepAlive);

    private BusyLoopKeepAlive Create() => new(_sent.Add, IntervalMs);

    [Fact]
    public void Nothing_is_repeated_while_rounds_are_short()
    {
        var keepAlive = Create();
        keepAlive.Record(Message("n2", 1, keepAlive: true), nowMs: 1_000);

        Assert.Equal(0, keepAlive.RepeatDue(5_000)); // no round running
        keepAlive.RoundStarted(5_000);
        Assert.Equal(0, keepAlive.RepeatDue(5_000 + IntervalMs - 1)); // a round shorter than an interval
        keepAlive.RoundEnded();
        Assert.Equal(0, keepAlive.RepeatDue(9_000));
        Assert.Empty(_sent);
    }

    [Fact]
    public void A_long_round_repeats_the_latest_keep_alive_message_to_each_peer_every_interval()
    {
        var keepAlive = Create();
        keepAlive.Record(Message("n2", 1, keepAlive: true), nowMs: 1_000);
        keepAlive.Record(Message("n2", 2, keepAlive: true), nowMs: 1_010); // the later one replaces it
        keepAlive.Record(Message("n3", 3, keepAlive: true), nowMs: 1_020);
        keepAlive.Record(Message("n3", 4, keepAlive: false), nowMs: 1_030); // entries, votes: never repeated

        keepAlive.RoundStarted(1_050);
        Assert.Equal(2, keepAlive.RepeatDue(1_150));
        Assert.Equal([(byte)2, (byte)3], _sent.Select(m => m.Bytes.Span[0]).Order());
        Assert.Equal(0, keepAlive.RepeatDue(1_200)); // each was just sent: not again before an interval
        Assert.Equal(2, keepAlive.RepeatDue(1_250));
        Assert.Equal(4, keepAlive.Repeats);
        Assert.All(_sent, m => Assert.True(m.KeepAlive));
    }

    [Fact]
    public void A_round_longer_than_the_limit_is_left_to_look_dead()
    {
        var keepAlive = Create();
        keepAlive.Record(Message("n2", 1, keepAlive: true), nowMs: 1_000);
        keepAlive.RoundStarted(1_000);

        Assert.Equal(1, keepAlive.RepeatDue(1_000 + BusyLoopKeepAlive.BusyMsMax));
        Assert.Equal(0, keepAlive.RepeatDue(1_000 + BusyLoopKeepAlive.BusyMsMax + IntervalMs + 1));
    }

    /// <summary>A leader that stepped down (or a follower that follows another leader) must not keep speaking for its old epoch.</summary>
    [Fact]
    public void What_was_said_before_a_leader_change_is_forgotten()
    {
        var keepAlive = Create();
        keepAlive.Record(Message("n2", 1, keepAlive: true), nowMs: 1_000);
        keepAlive.Forget();
        keepAlive.RoundStarted(2_000);

        Assert.Equal(0, keepAlive.RepeatDue(5_000));
        Assert.Empty(_sent);
    }
}
