using Chorus.Simulation.Checkers;
using Chorus.Simulation.Tests.Support;
using Chorus.Storage;

namespace Chorus.Simulation.Tests.Runs;

/// <summary>
/// The short seeded campaign CI runs: every correct mode, under faults, keeps every promise it
/// makes; and asynchronous replication with follower reads shows the anomalies DDIA chapter 5
/// describes. Longer campaigns: `chorus sim --seeds N`.
/// </summary>
[Collection(SimulationCampaigns.Name)]
public sealed class CampaignTests
{
    private const int SeedsPerConfiguration = 30;

    public static TheoryData<string, string, string, string> Configurations => new()
    {
        { "async", "registers", "network", "everysec" },
        { "async", "list-append", "chaos", "everysec" },
        { "async", "list-append", "crash", "always" },
        { "async", "counters", "clock", "everysec" },
        { "async-follower-reads", "sessions", "network", "everysec" },
        { "semi-sync-1", "list-append", "chaos", "everysec" },
        { "sync-all", "sessions", "network", "everysec" },
        { "failover-semi-sync-1", "list-append", "chaos", "always" },
        { "failover-semi-sync-1", "registers", "network", "always" },
        { "failover-sync-all", "sessions", "pause", "always" },
        { "statement", "nondeterministic", "chaos", "everysec" },
        { "failover-statement", "nondeterministic", "crash", "always" },
        { "physical", "list-append", "chaos", "everysec" },
        { "failover-physical", "list-append", "crash", "always" },
    };

    [Theory]
    [MemberData(nameof(Configurations))]
    public void Every_mode_keeps_its_promises_under_faults(string mode, string workload, string faults, string fsync)
    {
        DurabilityPolicies.TryParse(fsync, out var durability);
        var report = Seeds.Run(new SimulationConfig { Mode = mode, Workload = workload, Faults = faults, Durability = durability }, SeedsPerConfiguration);

        Assert.True(report.KeptPromises, Seeds.Describe(report));
        Assert.True(report.Operations > SeedsPerConfiguration * 200, Seeds.Describe(report));
        Assert.Contains(report.Checks, c => c.Claimed && c.Check == CheckNames.Prefix);
    }

    /// DDIA ch. 5, "Problems with Replication Lag": reads from asynchronous followers are stale.
    [Fact]
    public void Reads_from_asynchronous_followers_show_the_lost_comment_and_time_moving_backwards()
    {
        var report = Seeds.Run(new SimulationConfig { Mode = "async-follower-reads", Workload = "sessions" }, SeedsPerConfiguration);

        Assert.True(report.KeptPromises, Seeds.Describe(report));
        Assert.True(report[CheckNames.ReadYourWrites].RunsViolated > SeedsPerConfiguration / 2, Seeds.Describe(report));
        Assert.True(report[CheckNames.MonotonicReads].RunsViolated > SeedsPerConfiguration / 2, Seeds.Describe(report));
        Assert.False(report[CheckNames.ReadYourWrites].Claimed);
        Assert.Contains("the lost comment", Seeds.Describe(report), StringComparison.Ordinal);
        Assert.Contains("time moving backwards", Seeds.Describe(report), StringComparison.Ordinal);
    }

    [Fact]
    public void Reads_at_the_leader_show_neither()
    {
        var report = Seeds.Run(new SimulationConfig { Mode = "async", Workload = "sessions" }, SeedsPerConfiguration / 3);
        Assert.Equal(0, report[CheckNames.ReadYourWrites].RunsViolated);
        Assert.Equal(0, report[CheckNames.MonotonicReads].RunsViolated);
        Assert.Equal(0, report[CheckNames.Linearizability].RunsViolated);
        Assert.True(report.KeptPromises, Seeds.Describe(report));
    }

    /// DDIA ch. 5, "Leader failure: failover": with asynchronous replication a new leader may lack
    /// writes the old one acknowledged; they are discarded (Chorus keeps them in rollback records).
    [Fact]
    public void Failover_with_asynchronous_replication_loses_acknowledged_writes_and_counts_how()
    {
        var report = Seeds.Run(new SimulationConfig { Mode = "failover-async", Workload = "list-append", Faults = "chaos" }, SeedsPerConfiguration);

        Assert.True(report.KeptPromises, Seeds.Describe(report));
        var loss = report[CheckNames.AckedWriteLoss];
        Assert.False(loss.Claimed);
        Assert.True(loss.RunsViolated > 0, Seeds.Describe(report));
        Assert.Equal(loss.Violations, loss.Counts[AckedWriteLossChecker.RolledBack] + loss.Counts[AckedWriteLossChecker.Untraced]);
        Assert.True(loss.Counts[AckedWriteLossChecker.RolledBack] > 0, Seeds.Describe(report));
        Assert.Contains("in rollback records", Seeds.Describe(report), StringComparison.Ordinal);
        Assert.True(report.LeaderEpochs > SeedsPerConfiguration, "leadership moved in some runs");
    }
}
