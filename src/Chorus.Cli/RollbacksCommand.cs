using System.CommandLine;
using Chorus.Core.Encoding;
using Chorus.Server.Hosting;

namespace Chorus.Cli;

/// <summary>
/// `chorus rollbacks`: the writes a failover discarded. A node whose log held entries the new
/// leader lacks truncates them, first saving them to &lt;data&gt;/&lt;node&gt;/rollback/*.rollback
/// (the entries byte for byte; see <see cref="RollbackFile"/>). This lists those files; --show
/// prints every discarded change, values whole (binary ones as base64), so an operator can
/// decide what to redo.
/// </summary>
internal static class RollbacksCommand
{
    public static Command Create()
    {
        var data = new Option<string>("--data") { Description = "Where `cluster up` keeps its data (each node's directory is searched).", DefaultValueFactory = _ => "data" };
        var show = new Option<bool>("--show") { Description = "Print every discarded change, not just the list of files." };
        var command = new Command("rollbacks", "List the rollback files: writes discarded by failovers, never silently.") { data, show };
        command.SetAction(r => Run(r.GetValue(data)!, r.GetValue(show), Console.Out));
        return command;
    }

    internal static int Run(string dataRoot, bool show, TextWriter output)
    {
        var files = NodeDirectories(dataRoot)
            .Select(d => Path.Combine(d, "rollback"))
            .Where(Directory.Exists)
            .SelectMany(d => Directory.EnumerateFiles(d, "rollback-*" + RollbackFile.Extension).Concat(Directory.EnumerateFiles(d, "rollback-*.jsonl")))
            .Select(path => (Path: path, Header: ReadHeader(path)))
            .OrderBy(f => f.Header?.AtMs ?? 0)
            .ToList();
        if (files.Count == 0)
        {
            output.WriteLine($"no rollbacks under '{dataRoot}': no failover has discarded a write");
            return 0;
        }
        output.WriteLine($"{"TIME (UTC)",-23}  {"NODE",-5}  {"EPOCH",5}  {"LSNs",-15}  {"ENTRIES",7}  FILE");
        var unreadable = 0;
        foreach (var (path, header) in files)
        {
            if (header is null)
            {
                unreadable++;
                output.WriteLine($"{"?",-23}  {"?",-5}  {"?",5}  {"?",-15}  {"?",7}  {path}  (not a readable rollback file)");
                continue;
            }
            var lsns = header.EntryCount == 0 ? "-" : $"{header.KeepThrough.Next}-{header.KeepThrough.Value + (ulong)header.EntryCount}";
            output.WriteLine($"{RollbackText.Time(header.AtMs),-23}  {header.Node,-5}  {header.EpochAtRollback,5}  {lsns,-15}  {header.EntryCount,7}  {path}");
            if (show && path.EndsWith(RollbackFile.Extension, StringComparison.Ordinal))
            {
                ShowEntries(path, output);
            }
            else if (show)
            {
                LegacyRollbackFile.ShowEntries(path, output);
            }
        }
        return unreadable == 0 ? 0 : 1;
    }

    /// <summary>Every discarded change in a node's rollback files, one line each, as `--show` prints them.</summary>
    internal static IReadOnlyList<string> EntryLines(string nodeDirectory)
    {
        var directory = Path.Combine(nodeDirectory, "rollback");
        if (!Directory.Exists(directory))
        {
            return [];
        }
        var lines = new List<string>();
        foreach (var path in Directory.EnumerateFiles(directory, "rollback-*" + RollbackFile.Extension).Order(StringComparer.Ordinal))
        {
            var text = new StringWriter();
            ShowEntries(path, text);
            lines.AddRange(text.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        }
        return lines;
    }

    private static void ShowEntries(string path, TextWriter output)
    {
        using var stream = OpenRead(path);
        var header = RollbackFile.ReadHeader(stream);
        foreach (var entry in RollbackFile.ReadEntries(stream, header))
        {
            output.Write("    ");
            RollbackText.WriteEntry(output, entry);
            output.WriteLine();
        }
    }

    private static RollbackFile.Header? ReadHeader(string path)
    {
        try
        {
            if (path.EndsWith(".jsonl", StringComparison.Ordinal))
            {
                return LegacyRollbackFile.ReadHeader(path);
            }
            using var stream = OpenRead(path);
            return RollbackFile.ReadHeader(stream);
        }
        catch (Exception e) when (e is CorruptDataException or EndOfStreamException or IOException or System.Text.Json.JsonException or FormatException or ArgumentException)
        {
            return null;
        }
    }

    private static FileStream OpenRead(string path) => new(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1 << 16);

    /// <summary>The nodes' data directories: from the cluster file when there is one, else every subdirectory.</summary>
    private static IEnumerable<string> NodeDirectories(string dataRoot) =>
        ClusterFile.Load(dataRoot) is { } cluster
            ? cluster.Members.Select(m => m.DataDir)
            : Directory.Exists(dataRoot) ? Directory.EnumerateDirectories(dataRoot) : [];

}
