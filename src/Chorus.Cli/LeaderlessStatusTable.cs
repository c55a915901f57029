namespace Chorus.Cli;

/// <summary>
/// `chorus status` for a leaderless cluster: per node, its share of the ring, the peers it sees
/// up, hints pending, and its running totals of reads, writes, repairs and siblings.
/// </summary>
internal static class LeaderlessStatusTable
{
    public static string Render(IEnumerable<(string Host, int Port, Dictionary<string, string>? Info)> infos)
    {
        var rows = new List<string[]> { new[] { "NODE", "ENDPOINT", "RING %", "REPLICA %", "PEERS UP", "DOWN", "HINTS", "READS", "WRITES", "FAILED (r/w)", "READ REPAIRS", "AE KEYS REPAIRED", "SIBLINGS MAX" } };
        string? settings = null;
        foreach (var (host, port, info) in infos)
        {
            if (info is null)
            {
                rows.Add(["?", $"{host}:{port}", "unreachable", "", "", "", "", "", "", "", "", "", ""]);
                continue;
            }
            string Get(string field) => info.GetValueOrDefault("leaderless_" + field, "");
            settings ??= $"N={Get("n")} W={Get("w")} R={Get("r")}, sloppy quorum {OnOff(Get("sloppy_quorum"))}, read repair {OnOff(Get("read_repair"))}, anti-entropy {OnOff(Get("anti_entropy"))}; ring v{Get("ring_version")}: {Get("ring_members")}";
            rows.Add(
            [
                info.GetValueOrDefault("chorus_node_id", "?"), $"{host}:{port}", Get("primary_share"), Get("replica_share"), Get("peers_up"), Get("peers_down"),
                Get("hints_pending"), Get("reads"), Get("writes"), $"{Get("reads_failed")}/{Get("writes_failed")}", Get("read_repairs"), Get("keys_repaired"), Get("siblings_max"),
            ]);
        }
        return StatusCommand.Format(rows) + $"leaderless: {settings ?? "no node reachable"}\n";
    }

    private static string OnOff(string flag) => flag == "1" ? "on" : "off";
}
