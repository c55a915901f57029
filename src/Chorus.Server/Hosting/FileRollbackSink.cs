using System.Globalization;
using System.Text;
using System.Text.Json;
using Chorus.Commands.Logical;
using Chorus.Core.Log;
using Chorus.Node;

namespace Chorus.Server.Hosting;

/// <summary>
/// Writes each rollback to its own JSON-lines file under &lt;data&gt;/rollback/: a header line,
/// then one line per discarded entry with its LSN, epoch, time and every change (keys and
/// values as UTF-8 text when printable, else base64). Written and fsynced before the log is
/// truncated, so a discarded write is never lost silently.
/// </summary>
public sealed class FileRollbackSink(string dataDirectory) : IRollbackSink
{
    public string Directory { get; } = Path.Combine(dataDirectory, "rollback");

    public void Write(RollbackRecord record)
    {
        System.IO.Directory.CreateDirectory(Directory);
        var first = record.KeepThrough.Next;
        var last = record.Entries.Count > 0 ? record.Entries[^1].Lsn : record.KeepThrough;
        var name = string.Create(CultureInfo.InvariantCulture, $"rollback-{record.AtMs}-epoch{record.EpochAtRollback}-lsn{first}-{last}.jsonl");
        var path = Path.Combine(Directory, name);
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read);
        using (var writer = new StreamWriter(stream, new UTF8Encoding(false), leaveOpen: true))
        {
            writer.WriteLine(JsonSerializer.Serialize(new
            {
                node = record.Node.Value,
                epoch = record.EpochAtRollback.Value,
                keptThroughLsn = record.KeepThrough.Value,
                discardedEntries = record.Entries.Count,
                atUnixMs = record.AtMs,
            }));
            foreach (var entry in record.Entries)
            {
                writer.WriteLine(JsonSerializer.Serialize(Describe(entry)));
            }
        }
        stream.Flush(flushToDisk: true);
    }

    private static object Describe(LogEntry entry) => new
    {
        lsn = entry.Lsn.Value,
        epoch = entry.Epoch.Value,
        timeUnixMs = entry.Timestamp.PhysicalMs,
        origin = entry.Origin.Value,
        kind = entry.Kind.ToString(),
        changes = entry.Kind == PayloadKind.Logical ? LogicalPayload.Decode(entry.Payload.Span).Select(RollbackText.Describe).ToArray() : [],
    };
}
