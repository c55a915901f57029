using System.CommandLine;
using System.Globalization;
using System.Text;

namespace Chorus.Cli;

/// <summary>
/// `chorus status`: each node's role, epoch, last LSN and lag, as a table (leaderless nodes: ring share, peers, hints, repairs). Finds the nodes in
/// the cluster file `cluster up` wrote, or takes --endpoints. --watch refreshes every second.
/// </summary>
internal static class StatusCommand
{
    public static Command Create()
    {
        var endpoints = new Option<string?>("--endpoints") { Description = "Comma-separated host:port RESP endpoints (default: from <data>/cluster.json)." };
        var data = new Option<string>("--data") { Description = "Where `cluster up` keeps its data.", DefaultValueFactory = _ => "data" };
        var watch = new Option<bool>("--watch") { Description = "Refresh every second until Ctrl+C." };
        var command = new Command("status", "Show each node's role, LSN and lag.") { endpoints, data, watch };
        command.SetAction((result, cancellationToken) => RunAsync(result.GetValue(endpoints), result.GetValue(data)!, result.GetValue(watch), cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(string? endpointList, string dataRoot, bool watch, CancellationToken cancellationToken)
    {
        var endpoints = Endpoints(endpointList, dataRoot);
        if (endpoints.Count == 0)
        {
            await Console.Error.WriteLineAsync($"chorus status: no --endpoints given and no {ClusterFile.FileName} in '{dataRoot}' (start one with `chorus cluster up`)");
            return 2;
        }
        do
        {
            var table = await RenderAsync(endpoints, cancellationToken);
            if (watch)
            {
                Console.Write("\u001b[H\u001b[2J");
                Console.WriteLine(DateTime.Now.ToString("HH:mm:ss", CultureInfo.InvariantCulture));
            }
            Console.Write(table);
            if (!watch)
            {
                break;
            }
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
        while (!cancellationToken.IsCancellationRequested);
        return 0;
    }

    private static List<(string Host, int Port)> Endpoints(string? list, string dataRoot)
    {
        if (!string.IsNullOrWhiteSpace(list))
        {
            return [.. list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(ParseEndpoint)];
        }
        var cluster = ClusterFile.Load(dataRoot);
        return cluster is null ? [] : [.. cluster.Members.Select(m => (m.Host, m.Port))];
    }

    private static (string, int) ParseEndpoint(string endpoint)
    {
        var colon = endpoint.LastIndexOf(':');
        return colon > 0 && int.TryParse(endpoint[(colon + 1)..], CultureInfo.InvariantCulture, out var port)
            ? (endpoint[..colon], port)
            : ("127.0.0.1", int.Parse(endpoint, CultureInfo.InvariantCulture));
    }

    private static async Task<string> RenderAsync(List<(string Host, int Port)> endpoints, CancellationToken cancellationToken)
    {
        var rows = new List<string[]> { new[] { "NODE", "ENDPOINT", "ROLE", "EPOCH", "LEADER", "LAST LSN", "FLUSHED", "LAG (entries)", "LAG (ms)", "LINK" } };
        var infos = new List<(string Host, int Port, Dictionary<string, string>? Info)>();
        foreach (var (host, port) in endpoints)
        {
            infos.Add((host, port, await NodeInfo.TryFetchAsync(host, port, cancellationToken, "replication", "sites")));
        }
        if (infos.Any(i => i.Info?.GetValueOrDefault("role") == "leaderless"))
        {
            return LeaderlessStatusTable.Render(infos);
        }
        if (infos.Any(i => i.Info?.ContainsKey("site") == true))
        {
            return SitesStatusTable.Render(infos);
        }
        // A deposed leader that has not noticed yet may still say it leads: the newest epoch wins.
        var leaderInfo = infos.Select(i => i.Info).Where(i => i?.GetValueOrDefault("role") == "master")
            .MaxBy(i => long.TryParse(i!.GetValueOrDefault("chorus_epoch"), CultureInfo.InvariantCulture, out var epoch) ? epoch : -1);
        var members = Members(leaderInfo);
        foreach (var (host, port, info) in infos)
        {
            rows.Add(info is null ? ["?", $"{host}:{port}", "unreachable", "", "", "", "", "", "", ""] : Row(info, host, port, members));
        }
        var ack = leaderInfo;
        var footer = ack is null ? "no leader (an election may be under way)\n" : $"leader {ack.GetValueOrDefault("chorus_node_id")} in epoch {ack.GetValueOrDefault("chorus_epoch")}, failover {ack.GetValueOrDefault("chorus_failover_mode", "auto")}; acknowledgement: {ack.GetValueOrDefault("chorus_ack")} ({ack.GetValueOrDefault("chorus_ack_level")}, on timeout {ack.GetValueOrDefault("chorus_ack_on_timeout")}), state {ack.GetValueOrDefault("chorus_ack_state", "ok")}; log format {LogFormat(ack)}\n";
        return Format(rows) + footer + Refusals(infos);
    }

    /// <summary>Nodes that stopped replicating because they refused a physical stream, each with its reason.</summary>
    private static string Refusals(List<(string Host, int Port, Dictionary<string, string>? Info)> infos) =>
        string.Concat(infos.Where(i => i.Info?.ContainsKey("chorus_replication_refused") == true)
            .Select(i => $"{i.Info!.GetValueOrDefault("chorus_node_id")} stopped replicating: {i.Info!["chorus_replication_refused"]}\n"));

    /// <summary>The cluster's log format as the leader reports it: "statement (rewrite off)" when rewriting is off.</summary>
    private static string LogFormat(Dictionary<string, string> leader) =>
        leader.GetValueOrDefault("chorus_log_format", "logical") is var format && format == "statement" && leader.GetValueOrDefault("chorus_statement_rewrite") == "no"
            ? "statement (rewrite off)"
            : format;

    /// <summary>Member roles (voter, learner) as the leader lists them.</summary>
    private static Dictionary<string, string> Members(Dictionary<string, string>? leader) =>
        (leader?.GetValueOrDefault("chorus_members") ?? "")
            .Split(',', StringSplitOptions.RemoveEmptyEntries)
            .Select(m => m.Split(':'))
            .Where(p => p.Length == 2)
            .ToDictionary(p => p[0], p => p[1]);

    private static string Link(Dictionary<string, string> info)
    {
        if (info.GetValueOrDefault("chorus_snapshot_state") == "transferring")
        {
            var done = long.Parse(info["chorus_snapshot_bytes_done"], CultureInfo.InvariantCulture);
            var total = Math.Max(1, long.Parse(info["chorus_snapshot_bytes_total"], CultureInfo.InvariantCulture));
            return $"snapshot {100.0 * done / total:0}% ({info["chorus_snapshot_rate_mb_per_s"]} MB/s, ETA {info["chorus_snapshot_eta_s"]} s)";
        }
        return info.GetValueOrDefault("master_link_status", "");
    }

    private static string[] Row(Dictionary<string, string> info, string host, int port, Dictionary<string, string> members)
    {
        var leader = info.GetValueOrDefault("role") == "master";
        var id = info.GetValueOrDefault("chorus_node_id", "?");
        return
        [
            id,
            $"{host}:{port}",
            leader ? "leader" : members.GetValueOrDefault(id) == "learner" ? "learner" : info.GetValueOrDefault("chorus_role", "follower"),
            info.GetValueOrDefault("chorus_epoch", ""),
            info.GetValueOrDefault("chorus_leader", "") is { Length: > 0 } known ? known : "?",
            info.GetValueOrDefault("chorus_last_lsn", ""),
            info.GetValueOrDefault("chorus_flushed_lsn", ""),
            leader ? "-" : info.GetValueOrDefault("chorus_lag_entries", ""),
            leader ? "-" : info.GetValueOrDefault("chorus_lag_ms", ""),
            leader ? $"{info.GetValueOrDefault("connected_slaves", "0")} followers" : Link(info),
        ];
    }

    internal static string Format(List<string[]> rows)
    {
        var widths = Enumerable.Range(0, rows[0].Length).Select(c => rows.Max(r => r[c].Length)).ToArray();
        var text = new StringBuilder();
        foreach (var row in rows)
        {
            text.AppendLine(string.Join("  ", row.Select((cell, c) => cell.PadRight(widths[c]))).TrimEnd());
        }
        return text.ToString();
    }
}
