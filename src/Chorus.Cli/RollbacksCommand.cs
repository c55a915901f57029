using System.CommandLine;
using System.Globalization;
using System.Text.Json;

namespace Chorus.Cli;

/// <summary>
/// `chorus rollbacks`: the writes a failover discarded. A node whose log held entries the new
/// leader lacks truncates them, first saving them to &lt;data&gt;/&lt;node&gt;/rollback/*.jsonl (a
/// header line, then one line per entry with its LSN, epoch, time and changes). This lists
/// those files; --show prints every discarded change, so an operator can decide what to redo.
/// </summary>
internal static class RollbacksCommand
{
    public static Command Create()
    {
        var data = new Option<string>("--data") { Description = "Where `cluster up` keeps its data (each node's directory is searched).", DefaultValueFactory = _ => "data" };
        var show = new Option<bool>("--show") { Description = "Print every discarded change, not just the list of files." };
        var command = new Command("rollbacks", "List the rollback files: writes discarded by failovers, never silently.") { data, show };
        command.SetAction(r => Run(r.GetValue(data)!, r.GetValue(show)));
        return command;
    }

    private static int Run(string dataRoot, bool show)
    {
        var directories = NodeDirectories(dataRoot);
        var files = directories
            .Select(d => Path.Combine(d, "rollback"))
            .Where(Directory.Exists)
            .SelectMany(d => Directory.EnumerateFiles(d, "rollback-*.jsonl"))
            .Select(Read)
            .OrderBy(f => f.AtUnixMs)
            .ToList();
        if (files.Count == 0)
        {
            Console.WriteLine($"no rollbacks under '{dataRoot}': no failover has discarded a write");
            return 0;
        }
        Console.WriteLine($"{"TIME (UTC)",-23}  {"NODE",-5}  {"EPOCH",5}  {"LSNs",-15}  {"ENTRIES",7}  FILE");
        foreach (var file in files)
        {
            Console.WriteLine($"{Time(file.AtUnixMs),-23}  {file.Node,-5}  {file.Epoch,5}  {file.Lsns,-15}  {file.Entries.Count,7}  {file.Path}");
            if (show)
            {
                foreach (var entry in file.Entries)
                {
                    Console.WriteLine($"    {entry}");
                }
            }
        }
        return 0;
    }

    /// <summary>The nodes' data directories: from the cluster file when there is one, else every subdirectory.</summary>
    private static IEnumerable<string> NodeDirectories(string dataRoot) =>
        ClusterFile.Load(dataRoot) is { } cluster
            ? cluster.Members.Select(m => m.DataDir)
            : Directory.Exists(dataRoot) ? Directory.EnumerateDirectories(dataRoot) : [];

    private sealed record RollbackFile(string Path, string Node, ulong Epoch, long AtUnixMs, string Lsns, IReadOnlyList<string> Entries);

    private static RollbackFile Read(string path)
    {
        var lines = File.ReadAllLines(path);
        using var header = JsonDocument.Parse(lines[0]);
        var root = header.RootElement;
        var entries = lines.Skip(1).Where(l => l.Length > 0).Select(Describe).ToList();
        var kept = root.GetProperty("keptThroughLsn").GetUInt64();
        var count = root.GetProperty("discardedEntries").GetInt32();
        return new RollbackFile(path, root.GetProperty("node").GetString() ?? "?", root.GetProperty("epoch").GetUInt64(),
            root.GetProperty("atUnixMs").GetInt64(), count == 0 ? "-" : $"{kept + 1}-{kept + (ulong)count}", entries);
    }

    /// <summary>One discarded entry as a line: "LSN 12 (epoch 1, 10:01:02.003): put k = v".</summary>
    private static string Describe(string line)
    {
        using var document = JsonDocument.Parse(line);
        var entry = document.RootElement;
        var changes = entry.GetProperty("changes").EnumerateArray().Select(c =>
        {
            var op = c.GetProperty("Op").GetString();
            var key = c.GetProperty("Key").GetString();
            return c.TryGetProperty("Value", out var value) && value.ValueKind != JsonValueKind.Null ? $"{op} {key} = {Compact(value)}" : $"{op} {key}";
        });
        return $"LSN {entry.GetProperty("lsn").GetUInt64()} (epoch {entry.GetProperty("epoch").GetUInt64()}, {Time(entry.GetProperty("timeUnixMs").GetInt64())}): {string.Join("; ", changes)}";
    }

    private static string Compact(JsonElement value) =>
        value.ValueKind == JsonValueKind.Object && value.TryGetProperty("data", out var data)
            ? data.ValueKind == JsonValueKind.String ? data.GetString()! : data.GetRawText()
            : value.GetRawText();

    private static string Time(long unixMs) =>
        DateTimeOffset.FromUnixTimeMilliseconds(unixMs).UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture);
}
