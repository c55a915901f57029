namespace Chorus.Cli;

/// <summary>
/// `chorus status` for a multi-leader cluster: per node, its site and role in it, what it has
/// taken in from other sites, its conflicts (and conflicts per second lately), and each link to another site with its state and
/// lag (entries the linked site has not taken in yet, and for how long).
/// </summary>
internal static class SitesStatusTable
{
    public static string Render(IEnumerable<(string Host, int Port, Dictionary<string, string>? Info)> infos)
    {
        var rows = new List<string[]> { new[] { "NODE", "ENDPOINT", "SITE", "ROLE", "APPLIED", "HELD BACK", "CONFLICTS", "LOST (lww)", "LINKS (state, lag entries/ms)" } };
        string? topology = null;
        foreach (var (host, port, info) in infos)
        {
            if (info is null)
            {
                rows.Add(["?", $"{host}:{port}", "", "unreachable", "", "", "", "", ""]);
                continue;
            }
            topology ??= info.GetValueOrDefault("site_topology");
            var role = info.GetValueOrDefault("role") switch { "master" => "site leader", "slave" => "follower", var other => other ?? "?" };
            rows.Add(
            [
                info.GetValueOrDefault("chorus_node_id", "?"), $"{host}:{port}", info.GetValueOrDefault("site", "?"), role,
                info.GetValueOrDefault("site_changes_applied", ""), info.GetValueOrDefault("site_held_back", ""),
                Conflicts(info), info.GetValueOrDefault("site_conflict_lost_values", ""), Links(info),
            ]);
        }
        return StatusCommand.Format(rows) + $"multi-leader: topology {topology ?? "unknown (no node reachable)"}\n";
    }

    /// <summary>The conflicts resolved at the node, and how many per second lately: "120 (3.40/s)".</summary>
    private static string Conflicts(Dictionary<string, string> info) =>
        info.GetValueOrDefault("site_conflicts", "") + (info.TryGetValue("site_conflicts_per_sec", out var rate) ? $" ({rate}/s)" : "");

    /// <summary>The outbound links (what each other site is missing from this one): "s2 up 0/0ms, s3 cut 12/4100ms".</summary>
    private static string Links(Dictionary<string, string> info)
    {
        var links = new List<string>();
        for (var i = 0; info.TryGetValue($"link{i}", out var line); i++)
        {
            var fields = line.Split(',').Select(f => f.Split('=', 2)).Where(f => f.Length == 2).ToDictionary(f => f[0], f => f[1]);
            if (fields.GetValueOrDefault("direction") != "outbound")
            {
                continue;
            }
            links.Add($"{fields.GetValueOrDefault("site")} {fields.GetValueOrDefault("state")} {fields.GetValueOrDefault("lag_entries")}/{fields.GetValueOrDefault("lag_ms")}ms");
        }
        return links.Count == 0 ? "-" : string.Join(", ", links);
    }
}
