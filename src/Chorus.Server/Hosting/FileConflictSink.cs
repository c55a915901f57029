using System.Globalization;
using System.Text;
using System.Text.Json;
using Chorus.Core.Sites;
using Chorus.Node;

namespace Chorus.Server.Hosting;

/// <summary>
/// Writes every conflict a multi-leader site resolved to <c>conflicts/conflicts-&lt;day&gt;.jsonl</c>
/// in the data directory: one JSON line per conflict with the key, the value kept and every value
/// that lost (bytes as UTF-8 where they are text, base64 otherwise), so nothing last-write-wins
/// discards is lost without a trace. Appended and flushed per record.
/// </summary>
public sealed class FileConflictSink(string dataDirectory) : IConflictSink
{
    public string Directory { get; } = Path.Combine(dataDirectory, "conflicts");

    public void Write(ConflictRecord record)
    {
        System.IO.Directory.CreateDirectory(Directory);
        var day = DateTimeOffset.FromUnixTimeMilliseconds(record.AtMs).ToString("yyyyMMdd", CultureInfo.InvariantCulture);
        var line = JsonSerializer.Serialize(new
        {
            site = record.Site.Value,
            key = ConflictText.Bytes(record.Key),
            element = record.Element is { } element ? ConflictText.Bytes(element) : null,
            policy = PolicyRule.Name(record.Policy),
            atUnixMs = record.AtMs,
            kept = ConflictText.Describe(record.Kept),
            lost = record.Losers.Select(ConflictText.Describe).ToArray(),
            siblings = record.Siblings,
        });
        using var stream = new FileStream(Path.Combine(Directory, $"conflicts-{day}.jsonl"), FileMode.Append, FileAccess.Write, FileShare.Read);
        using (var writer = new StreamWriter(stream, new UTF8Encoding(false), leaveOpen: true))
        {
            writer.WriteLine(line);
        }
        stream.Flush(flushToDisk: true);
    }
}
