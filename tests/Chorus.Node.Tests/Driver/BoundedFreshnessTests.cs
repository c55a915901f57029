namespace Chorus.Node.Tests.Driver;

/// <summary>
/// Bounded reads below two heartbeat intervals through the production loop (docs/consistency.md,
/// "Asking for freshness"): the read gate, holding a read its follower is too stale for, has the
/// core ask the leader for a round trip, and serves the read when the echo comes back — with no
/// time passing, so no heartbeat could have done it.
/// </summary>
public sealed class BoundedFreshnessTests
{
    [Fact]
    public async Task A_follower_holding_a_read_bounded_below_the_heartbeat_serves_it_after_one_round_trip()
    {
        var cluster = new DriverCluster(3, electionTimeoutMs: 60_000);
        cluster.StartAll();
        cluster.Settle();
        cluster.Write("SET", "k", "v");
        cluster.Settle(rounds: 3);

        var (verdict, value) = cluster.GuardedRead("n2", new ReadGuard { MaxStalenessMs = 30, WaitMs = 1_000 }, "GET", "k");
        Assert.False(verdict.Task.IsCompleted, "an idle follower is a heartbeat interval old: over 30 ms");
        cluster.DeliverAll();

        Assert.True(verdict.Task.IsCompleted, "served after one round trip, before any heartbeat");
        Assert.IsType<ReadServed>(await verdict.Task);
        Assert.Equal("v", value()!.AsString());
    }
}
