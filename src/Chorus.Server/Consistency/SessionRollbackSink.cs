using System.Text;
using Chorus.Commands.Logical;
using Chorus.Commands.Statements;
using Chorus.Core.Log;
using Chorus.Core.Sites;
using Chorus.Node;

namespace Chorus.Server.Consistency;

/// <summary>
/// Writes each rollback to the node's own sink first (the rollback file: nothing is ever dropped
/// silently), then tells <see cref="Observed"/>, which turns the discarded entries a named session
/// made into that session's rollback notices. Runs on the node loop: the observer only looks up
/// and hands off, it never waits.
/// </summary>
internal sealed class SessionRollbackSink(IRollbackSink inner) : IRollbackSink
{
    /// <summary>Keys named in a notice at most (a rollback of a huge transaction names the first ones).</summary>
    public const int KeysMax = 32;

    public Action<RollbackRecord>? Observed { get; set; }

    public void Write(RollbackRecord record)
    {
        inner.Write(record);
        Observed?.Invoke(record);
    }

    /// <summary>The keys an entry changed, as text (printable UTF-8 as is, else base64).</summary>
    public static IReadOnlyList<string> KeysOf(LogEntry entry)
    {
        try
        {
            return entry.Kind switch
            {
                PayloadKind.Logical => KeysOf(LogicalPayload.Decode(entry.Payload.Span)),
                PayloadKind.MultiLeader => KeysOf(LogicalPayload.Decode(SiteEntry.Decode(entry.Payload).Local.Span)),
                PayloadKind.Statement => StatementPayload.Decode(entry.Payload.Span) is { Arguments.Count: > 1 } statement ? [Text(statement.Arguments[1])] : [],
                _ => [],
            };
        }
        catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException or Chorus.Core.Encoding.CorruptDataException)
        {
            return []; // the rollback file holds the entry whole; the notice still names its LSN
        }
    }

    private static List<string> KeysOf(IEnumerable<RowChange> changes) =>
        [.. changes.OfType<KeyChange>().Select(c => Text(c.Key)).Distinct(StringComparer.Ordinal).Take(KeysMax)];

    private static string Text(byte[] key)
    {
        var printable = key.All(b => b is >= 0x20 and < 0x7F);
        return printable ? Encoding.ASCII.GetString(key) : "base64:" + Convert.ToBase64String(key);
    }
}
