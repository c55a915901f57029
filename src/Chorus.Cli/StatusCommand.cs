using System.CommandLine;
using System.Globalization;
using System.Text;

namespace Chorus.Cli;

/// <summary>
/// `chorus status`: each node's role, epoch, last LSN and lag, as a table. Finds the nodes in
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
        var rows = new List<string[]> { new[] { "NODE", "ENDPOINT", "ROLE", "EPOCH", "LAST LSN", "FLUSHED", "LAG (entries)", "LAG (ms)", "LINK" } };
        foreach (var (host, port) in endpoints)
        {
            var info = await NodeInfo.TryFetchAsync(host, port, cancellationToken);
            rows.Add(info is null ? ["?", $"{host}:{port}", "unreachable", "", "", "", "", "", ""] : Row(info, host, port));
        }
        return Format(rows);
    }

    private static string[] Row(Dictionary<string, string> info, string host, int port)
    {
        var leader = info.GetValueOrDefault("role") == "master";
        return
        [
            info.GetValueOrDefault("chorus_node_id", "?"),
            $"{host}:{port}",
            leader ? "leader" : "follower",
            info.GetValueOrDefault("chorus_epoch", ""),
            info.GetValueOrDefault("chorus_last_lsn", ""),
            info.GetValueOrDefault("chorus_flushed_lsn", ""),
            leader ? "-" : info.GetValueOrDefault("chorus_lag_entries", ""),
            leader ? "-" : info.GetValueOrDefault("chorus_lag_ms", ""),
            leader ? $"{info.GetValueOrDefault("connected_slaves", "0")} followers" : info.GetValueOrDefault("master_link_status", ""),
        ];
    }

    private static string Format(List<string[]> rows)
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
