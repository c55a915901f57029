using System.Globalization;
using System.Text;
using Chorus.Simulation.Checkers;
using Chorus.Simulation.Checkers.Sessions;

namespace Chorus.Simulation.Campaigns;

/// <summary>The report line of bounded-staleness reads: what the bound cost (reads held back, reads that failed) beside what it served.</summary>
internal static class BoundedReads
{
    public static void Append(StringBuilder text, CampaignReport report)
    {
        var counts = report[CheckNames.BoundedStaleness].Counts;
        if (counts.GetValueOrDefault(BoundedStalenessChecker.ReadsServed) is var served and > 0)
        {
            text.Append(CultureInfo.InvariantCulture,
                $"bounded reads: {served:N0} served, {counts.GetValueOrDefault(BoundedStalenessChecker.HeldBackTooStale):N0} held back as too stale by a node (the client then tried another), {counts.GetValueOrDefault(BoundedStalenessChecker.ReadsFailed):N0} failed at every node tried; at followers {counts.GetValueOrDefault(BoundedStalenessChecker.FollowerReadsServed):N0} served, {counts.GetValueOrDefault(BoundedStalenessChecker.FollowerHeldBackTooStale):N0} held back as too stale\n");
        }
    }
}
