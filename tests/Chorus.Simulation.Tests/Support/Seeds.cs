using Chorus.Simulation.Campaigns;

namespace Chorus.Simulation.Tests.Support;

/// <summary>Runs campaigns for tests, printing what ran (seeds, table, reproducer) so any failure can be replayed.</summary>
internal static class Seeds
{
    public static CampaignReport Run(SimulationConfig template, int seeds, int firstSeed = 1)
    {
        var report = Campaign.Run(template, firstSeed, seeds, Environment.ProcessorCount);
        TestContext.Current.SendDiagnosticMessage($"seeds {firstSeed}..{firstSeed + seeds - 1}\n{ReportTable.Format(report)}");
        return report;
    }

    public static string Describe(CampaignReport report) => ReportTable.Format(report);
}
