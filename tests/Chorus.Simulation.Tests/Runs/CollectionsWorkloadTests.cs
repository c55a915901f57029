using Chorus.Simulation.Checkers;
using Chorus.Simulation.Tests.Support;
using Chorus.Storage;

namespace Chorus.Simulation.Tests.Runs;

/// <summary>
/// Issue 15, "each new type and MULTI/EXEC under the simulator's faults (digests converge, no
/// half-applied transaction ever visible on any node)": the collections workload — lists, sorted
/// sets, streams, and MULTI/EXEC across them — in each log format, under faults. Convergence
/// catches a replica that applied a different (or half a) change; the acknowledged-write check
/// follows each transaction's token. A short seeded run; longer: `chorus sim --workload collections --seeds N`.
/// </summary>
[Collection(SimulationCampaigns.Name)]
public sealed class CollectionsWorkloadTests
{
    private const int SeedsPerConfiguration = 8;

    public static TheoryData<string, string, string> Configurations => new()
    {
        { "failover-semi-sync-1", "crash", "always" },
        { "failover-statement", "chaos", "always" },
        { "physical", "network", "everysec" },
    };

    [Theory]
    [MemberData(nameof(Configurations))]
    public void Lists_sorted_sets_streams_and_transactions_converge_and_keep_acknowledged_writes_under_faults(string mode, string faults, string fsync)
    {
        DurabilityPolicies.TryParse(fsync, out var durability);
        var report = Seeds.Run(new SimulationConfig { Mode = mode, Workload = "collections", Faults = faults, Durability = durability }, SeedsPerConfiguration);

        Assert.True(report.KeptPromises, Seeds.Describe(report));
        Assert.True(report.Operations > SeedsPerConfiguration * 200, Seeds.Describe(report));
        // Each mode promises both here (no power loss can take an acknowledged write), so both were checked.
        Assert.Contains(report.Checks, c => c.Claimed && c.Check == CheckNames.Convergence);
        Assert.Contains(report.Checks, c => c.Claimed && c.Check == CheckNames.AckedWriteLoss);
    }
}
