using Chorus.Commands.Values;
using Chorus.Core;
using Chorus.Core.Sites;
using Chorus.Core.Versions;

namespace Chorus.Commands.Sites;

/// <summary>What an on-read handler is shown for a string key: its live concurrent values, newest first, and the causal context to write the resolution back with.</summary>
public sealed record ReadConflict(IReadOnlyList<ReadSibling> Siblings, VersionVector Context);

/// <summary>Finds, in a stored record, the concurrent values an on-read handler resolves (<see cref="IReadResolver"/>).</summary>
public static class ReadSiblings
{
    /// <summary>
    /// The live concurrent values of the string <paramref name="stored"/> shows, when it shows a
    /// string with at least two (deleted values left out); null otherwise: nothing to resolve.
    /// </summary>
    public static ReadConflict? Of(byte[]? stored, NodeId site)
    {
        if (stored is null || KeyRecord.IsTombstoneRecord(stored) || !KeyRecord.ParseImage(stored).HasVersionBlock)
        {
            return null; // absent, deleted, or never in conflict (a value without versions has no siblings)
        }
        var document = SiteDocumentCodec.FromRecord(stored, site);
        if (document?.Visible() != SitePart.String || document.Get(SitePart.String, SiteDocument.StringElement) is not { } state)
        {
            return null;
        }
        var live = state.Siblings
            .Where(static s => s.Value is not null)
            .Select(static s => new ReadSibling(KeyRecord.ParseImage(s.Value).Payload.ToArray(), s.Version.Site, s.Version.Timestamp))
            .ToList();
        return live.Count < 2 ? null : new ReadConflict(live, state.Context);
    }
}
