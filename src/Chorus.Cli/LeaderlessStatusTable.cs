namespace Chorus.Cli;

/// <summary>
/// `chorus status` for a leaderless cluster: per node, its share of the ring, the peers it sees
/// up, hints pending, and its running totals of reads, writes, repairs and siblings.
/// </summary>
internal static class LeaderlessStatusTable
{
    public static string Render(IEnumerable<(string Host, int Port, Dictionary<string, string>? Info)> infos)
    {
        var rows = new List<string[]> { new[] { "NODE", "ENDPOINT", "MEMBERSHIP", "RING %", "REPLICA %", "PEERS UP", "DOWN", "HINTS", "READS", "WRITES", "FAILED (r/w)", "READ REPAIRS", "AE KEYS REPAIRED", "SIBLINGS MAX" } };
        string? settings = null;
        foreach (var (host, port, info) in infos)
        {
            if (info is null)
            {
                rows.Add(["?", $"{host}:{port}", "unreachable", "", "", "", "", "", "", "", "", "", "", ""]);
                continue;
            }
            string Get(string field) => info.GetValueOrDefault("leaderless_" + field, "");
            settings ??= $"N={Get("n")} W={Get("w")} R={Get("r")}, sloppy quorum {OnOff(Get("sloppy_quorum"))}, read repair {OnOff(Get("read_repair"))}, anti-entropy {OnOff(Get("anti_entropy"))}; ring v{Get("ring_version")}: {Get("ring_members")}";
            rows.Add(
            [
                info.GetValueOrDefault("chorus_node_id", "?"), $"{host}:{port}", Membership(Get), Get("primary_share"), Get("replica_share"), Get("peers_up"), Get("peers_down"),
                Get("hints_pending"), Get("reads"), Get("writes"), $"{Get("reads_failed")}/{Get("writes_failed")}", Get("read_repairs"), Get("keys_repaired"), Get("siblings_max"),
            ]);
        }
        return StatusCommand.Format(rows) + $"leaderless: {settings ?? "no node reachable"}\n";
    }

    /// <summary>member, not a member (left, or not added yet), the handover under way (ranges still to fetch, nodes awaited), or dropping what a finished one moved away.</summary>
    private static string Membership(Func<string, string> get) =>
        get("ring_member") == "0" ? "not a member"
        : get("ring_moving") != "1" ? (get("lost_ranges_dropping") == "1" ? "member, dropping moved ranges" : "member")
        : get("ranges_to_fetch") is not ("0" or "") ? $"fetching {get("ranges_to_fetch")} ranges"
        : $"handover (awaiting {get("ring_awaiting")})";

    private static string OnOff(string flag) => flag == "1" ? "on" : "off";
}
