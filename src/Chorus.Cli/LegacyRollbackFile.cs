using System.Text.Json;
using Chorus.Core;
using Chorus.Server.Hosting;

namespace Chorus.Cli;

/// <summary>
/// Rollback files from before the binary format: JSON lines (a header, then one line per entry).
/// Read so that rollbacks an older version wrote stay visible; nothing writes them any more.
/// </summary>
internal static class LegacyRollbackFile
{
    public static RollbackFile.Header ReadHeader(string path)
    {
        using var reader = new StreamReader(path);
        using var header = JsonDocument.Parse(reader.ReadLine() ?? throw new FormatException("empty rollback file"));
        var root = header.RootElement;
        return new RollbackFile.Header(new NodeId(root.GetProperty("node").GetString() ?? "?"), new Epoch(root.GetProperty("epoch").GetUInt64()),
            new Lsn(root.GetProperty("keptThroughLsn").GetUInt64()), root.GetProperty("atUnixMs").GetInt64(), root.GetProperty("discardedEntries").GetInt32());
    }

    /// <summary>One discarded entry per line: "LSN 12 (epoch 1, 10:01:02.003): put k = v".</summary>
    public static void ShowEntries(string path, TextWriter output)
    {
        foreach (var line in File.ReadLines(path).Skip(1).Where(l => l.Length > 0))
        {
            using var document = JsonDocument.Parse(line);
            var entry = document.RootElement;
            var changes = entry.GetProperty("changes").EnumerateArray().Select(c =>
            {
                var op = c.GetProperty("Op").GetString();
                var key = c.GetProperty("Key").GetString();
                return c.TryGetProperty("Value", out var value) && value.ValueKind != JsonValueKind.Null ? $"{op} {key} = {Compact(value)}" : $"{op} {key}";
            });
            output.WriteLine($"    LSN {entry.GetProperty("lsn").GetUInt64()} (epoch {entry.GetProperty("epoch").GetUInt64()}, {RollbackText.Time(entry.GetProperty("timeUnixMs").GetInt64())}): {string.Join("; ", changes)}");
        }
    }

    private static string Compact(JsonElement value) =>
        value.ValueKind == JsonValueKind.Object && value.TryGetProperty("data", out var data)
            ? data.ValueKind == JsonValueKind.String ? data.GetString()! : data.GetRawText()
            : value.GetRawText();
}
