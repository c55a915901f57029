using System.Globalization;
using Chorus.Core;

namespace Chorus.Node.Sessions;

/// <summary>
/// The log entries one write group made, first to last (both zero: none, or not known), and the
/// epoch they were made in (zero: not known — a client or node that predates epochs here). A
/// session remembers these, not just how far it wrote, so a rollback can be matched to it entry
/// by entry; with the epoch, (epoch, LSN) names each entry exactly, as in Raft's log matching: a
/// log that holds another epoch at that LSN does not hold this write.
/// </summary>
public readonly record struct WriteGroup(Lsn First, Lsn Last, Epoch Epoch = default)
{
    public bool IsKnown => Last > Lsn.Zero;

    /// <summary>The entries and their epoch are known: the write can be judged against any log.</summary>
    public bool HasIdentity => IsKnown && Epoch > Epoch.Zero;

    /// <summary>As a client lists it (<c>CHORUS.SESSION … PENDING</c>): <c>&lt;first&gt;-&lt;last&gt;@&lt;epoch&gt;</c>.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{First.Value}-{Last.Value}@{Epoch.Value}");

    /// <summary>Parses <c>&lt;first&gt;-&lt;last&gt;@&lt;epoch&gt;</c>; null unless 1 &lt;= first &lt;= last and epoch &gt;= 1.</summary>
    public static WriteGroup? Parse(string text)
    {
        var dash = text.IndexOf('-', StringComparison.Ordinal);
        var at = text.IndexOf('@', StringComparison.Ordinal);
        if (dash <= 0 || at <= dash + 1)
        {
            return null;
        }
        return ulong.TryParse(text.AsSpan(0, dash), NumberStyles.None, CultureInfo.InvariantCulture, out var first)
            && ulong.TryParse(text.AsSpan(dash + 1, at - dash - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var last)
            && ulong.TryParse(text.AsSpan(at + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var epoch)
            && first >= 1 && first <= last && epoch >= 1 && epoch <= Epoch.Max.Value
                ? new WriteGroup(new Lsn(first), new Lsn(last), new Epoch(epoch))
                : null;
    }
}
