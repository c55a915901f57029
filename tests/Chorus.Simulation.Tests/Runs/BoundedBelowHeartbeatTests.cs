using Chorus.Simulation.Checkers;
using Chorus.Simulation.Checkers.Sessions;
using Chorus.Simulation.Tests.Support;

namespace Chorus.Simulation.Tests.Runs;

/// <summary>
/// Bounded staleness below two heartbeat intervals (docs/consistency.md, "Asking for freshness"):
/// with a 100 ms heartbeat, an idle follower proves itself at best 100 ms old by heartbeats alone,
/// so a 30 ms bound was met at the leader only. A follower holding such a read now asks its leader
/// for a round trip at once, and serves it itself; the bounded-staleness checker still finds no
/// read older than its bound. `chorus sim --config failover-bounded-follower-reads --bound-ms 30` runs longer.
/// </summary>
[Collection(SimulationCampaigns.Name)]
public sealed class BoundedBelowHeartbeatTests
{
    [Fact]
    public void Followers_serve_reads_bounded_below_the_heartbeat_without_a_read_older_than_its_bound()
    {
        var report = Seeds.Run(new SimulationConfig { Mode = "failover-bounded-follower-reads", Workload = "sessions", Faults = "none", BoundMs = 30 }, 3);

        var bounded = report[CheckNames.BoundedStaleness];
        Assert.Equal(0, bounded.RunsViolated);
        var servedAtFollowers = bounded.Counts[BoundedStalenessChecker.FollowerReadsServed];
        var heldBackAtFollowers = bounded.Counts[BoundedStalenessChecker.FollowerHeldBackTooStale];
        Assert.True(servedAtFollowers > 10 * heldBackAtFollowers, $"{servedAtFollowers} served at followers, {heldBackAtFollowers} held back: {Seeds.Describe(report)}");
        Assert.True(report.KeptPromises, Seeds.Describe(report));
    }

    /// Under chaos (drops, partitions, crashes, pauses, clock steps) a 20 ms bound holds too.
    [Fact]
    public void A_20_ms_bound_holds_under_chaos()
    {
        var report = Seeds.Run(new SimulationConfig { Mode = "failover-bounded-follower-reads", Workload = "sessions", Faults = "chaos", BoundMs = 20 }, 5);

        Assert.Equal(0, report[CheckNames.BoundedStaleness].RunsViolated);
        Assert.True(report[CheckNames.BoundedStaleness].Counts[BoundedStalenessChecker.FollowerReadsServed] > 0, Seeds.Describe(report));
        Assert.True(report.KeptPromises, Seeds.Describe(report));
    }
}
