using System.Text;
using Chorus.Replication;

namespace Chorus.Server.Commands;

/// <summary>INFO's "# Sites" section (multi-leader only): the site, its frontier, conflicts, and one line per link with its lag.</summary>
internal static class SitesInfo
{
    public static void Append(StringBuilder text, NodeServices node)
    {
        if (node.Driver.Status.Sites is not { } sites)
        {
            return;
        }
        var conflicts = node.Driver.Conflicts;
        InfoBuilder.Header(text, "Sites");
        InfoBuilder.Line(text, "site", sites.Site.Value);
        InfoBuilder.Line(text, "site_topology", sites.Settings.Topology.ToString());
        InfoBuilder.Line(text, "site_homes", SitesCommands.HomesText(sites));
        InfoBuilder.Line(text, "site_failed_sites", string.Join(",", sites.Settings.FailedSites));
        InfoBuilder.Line(text, "site_returning_sites", string.Join(",", sites.Settings.ReturningSites));
        InfoBuilder.Line(text, "site_routed_writes", node.Driver.RoutedWrites);
        InfoBuilder.Line(text, "site_loaded", sites.Loaded ? 1 : 0);
        InfoBuilder.Line(text, "site_frontier", sites.Frontier.ToString());
        InfoBuilder.Line(text, "site_changes_applied", sites.ChangesApplied);
        InfoBuilder.Line(text, "site_duplicates_dropped", sites.Duplicates);
        InfoBuilder.Line(text, "site_held_back", sites.HeldBack);
        InfoBuilder.Line(text, "site_conflicts", conflicts.Conflicts);
        InfoBuilder.Line(text, "site_conflict_lost_values", conflicts.LostValues);
        InfoBuilder.Line(text, "site_conflicts_per_sec", conflicts.Rate.PerSecond(node.Driver.NowMs).ToString("0.00", System.Globalization.CultureInfo.InvariantCulture));
        InfoBuilder.Line(text, "site_resolver_failures", conflicts.ResolverFailures);
        if (conflicts.LastResolverFailure is { } failure)
        {
            // One line, whatever the exception's message holds.
            InfoBuilder.Line(text, "site_resolver_last_failure", $"{failure.Resolver} on {Hosting.ConflictText.Bytes(failure.Key)}: {failure.Error}".ReplaceLineEndings(" "));
        }
        if (node.ReadResolution is { } onRead)
        {
            InfoBuilder.Line(text, "site_read_resolutions", onRead.Resolved);
            InfoBuilder.Line(text, "site_read_resolver_failures", onRead.Failures);
            InfoBuilder.Line(text, "site_read_writebacks", onRead.WrittenBack);
            InfoBuilder.Line(text, "site_read_writebacks_refused", onRead.NotWrittenBack);
            if (onRead.LastFailure is { } last)
            {
                InfoBuilder.Line(text, "site_read_resolver_last_failure", last);
            }
        }
        for (var i = 0; i < sites.Links.Count; i++)
        {
            var link = sites.Links[i];
            var state = link.IsCut ? "cut" : link.IsUp ? "up" : "down";
            InfoBuilder.Line(text, $"link{i}", $"site={link.Site},direction={(link.Direction == LinkDirection.Outbound ? "outbound" : "inbound")},state={state},leader={link.Leader},lag_entries={link.LagEntries},lag_ms={link.LagMs},changes_sent={link.Changes}");
        }
    }
}
