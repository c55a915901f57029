using Chorus.Commands.Data.Strings;
using Chorus.Commands.Execution;
using Chorus.Commands.Values;
using Chorus.Core;
using Chorus.Core.Versions;
using Chorus.Resp;

namespace Chorus.Commands.Sites;

/// <summary>
/// CHORUS.RESOLVE key context value — at a multi-leader site, replaces the concurrent values of a
/// string key with <c>value</c>, but only if the key's causal context (the merge of its values'
/// version vectors, as CHORUS.SIBLINGS shows it) is still <c>context</c>: 1 when written, 0 when
/// the key changed since (a value arrived or was written after the caller read it; nothing is
/// written, so that value is never overwritten unseen). This is the "write with the context" of
/// resolve-on-read (DDIA ch. 5, "Merging concurrently written values"): a site's write dominates
/// everything the site has, and the check makes that exactly what the caller saw. The write is then
/// versioned and replicated to the other sites like any SET (the key's expiry is kept), where it
/// supersedes those values too. On-read resolvers write their result back with it.
/// </summary>
public static class ResolveCommand
{
    public static readonly CommandSpec Spec = new("CHORUS.RESOLVE", 4, CommandFlags.Write | CommandFlags.DenyOom, 1, 1, 1, Write: Execute);

    public const string NotAtSite = "ERR CHORUS.RESOLVE replaces the siblings of a key at a multi-leader site; this node is not one";

    public const string BadContext = "ERR invalid causal context (expected what CHORUS.SIBLINGS shows, like {s1:2, s2:1})";

    private static void Execute(WriteContext context, RespCommand command, RespWriter reply)
    {
        if (!context.TrackBeforeImages)
        {
            // Only a site tracks before-images (its writes are versioned from them).
            reply.WriteError(NotAtSite);
            return;
        }
        if (!VersionVector.TryParse(System.Text.Encoding.UTF8.GetString(command[2]), out var seen))
        {
            reply.WriteError(BadContext);
            return;
        }
        var stored = context.GetStored(context.Db, command[1]);
        if (CurrentContext(stored) is not { } current || !current.Equals(seen))
        {
            reply.WriteInteger(0);
            return;
        }
        StringWrites.Put(context, command[1], command[3], KeyRecord.ParseImage(stored!).ExpiresAtMs);
        reply.WriteInteger(1);
    }

    /// <summary>The causal context of the string a stored record shows; null when it shows no string (absent, deleted, a collection).</summary>
    public static VersionVector? CurrentContext(byte[]? stored)
    {
        if (stored is null || KeyRecord.IsTombstoneRecord(stored))
        {
            return null;
        }
        // The site named here only labels a value written before the key was versioned (an empty clock).
        var document = SiteDocumentCodec.FromRecord(stored, UnversionedSite);
        return document?.Visible() == SitePart.String ? document.Get(SitePart.String, SiteDocument.StringElement)?.Context : null;
    }

    private static readonly NodeId UnversionedSite = new("unversioned");
}
