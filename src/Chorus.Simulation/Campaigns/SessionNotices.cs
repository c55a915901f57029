using System.Globalization;
using System.Text;
using Chorus.Simulation.Checkers;
using Chorus.Simulation.Checkers.Sessions;

namespace Chorus.Simulation.Campaigns;

/// <summary>The report line of named sessions: writes recorded, and what became of the ones a failover rolled back.</summary>
internal static class SessionNotices
{
    public static void Append(StringBuilder text, CampaignReport report)
    {
        var counts = report[CheckNames.RollbackNotices].Counts;
        if (counts.GetValueOrDefault(RollbackNoticeChecker.Recorded) is var recorded and > 0)
        {
            text.Append(CultureInfo.InvariantCulture,
                $"named sessions: {recorded:N0} writes recorded ({counts.GetValueOrDefault(RollbackNoticeChecker.NotRecorded):N0} acknowledged but not recorded in time); "
                + $"{counts.GetValueOrDefault(RollbackNoticeChecker.RolledBack):N0} rolled back and lost: {counts.GetValueOrDefault(RollbackNoticeChecker.Noticed):N0} noticed; not noticed: "
                + $"{counts.GetValueOrDefault(RollbackNoticeChecker.LostInRestart):N0} whose record the node lost in a restart, {counts.GetValueOrDefault(RollbackNoticeChecker.RecorderDidNotRollBack):N0} rolled back only by nodes that had not recorded them "
                + $"({counts.GetValueOrDefault(RollbackNoticeChecker.RolledBackButKept):N0} more rolled back by a node but kept in the final history: not lost)\n");
        }
    }
}
