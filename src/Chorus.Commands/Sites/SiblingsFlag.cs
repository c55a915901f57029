using Chorus.Commands.Values;
using Chorus.Core;
using Chorus.Core.Sites;
using Chorus.Resp;

namespace Chorus.Commands.Sites;

/// <summary>
/// The flag a plain read carries at a multi-leader site when the value it shows is one of several
/// concurrent values the key keeps (issue 11: "a read returns one value to plain clients with a
/// flag"). It is the flag leaderless reads carry: a RESP3 attribute before the value,
/// <c>|1 siblings n</c>, which clients that do not know it skip (StackExchange.Redis does). RESP2
/// has no way to say it beside a value; those clients ask with CHORUS.SIBLINGS.
/// <para>
/// Only policies that keep the concurrent values unresolved flag them: <c>siblings</c>, and
/// <c>custom</c> (its reads show the resolver's merge of them). Under <c>lww</c> the losing
/// versions stay in the key's versions too, but the conflict is resolved (the losers are in the
/// conflict log), so a read of the winner carries no flag.
/// </para>
/// </summary>
public static class SiblingsFlag
{
    /// <summary>
    /// How many concurrent values (deletions included, as CHORUS.SIBLINGS lists them) stand behind
    /// what a read of <paramref name="live"/> shows — the string, or with <paramref name="field"/> that
    /// field of the hash — when the key's <paramref name="policy"/> keeps them and there are at least
    /// two; 0 otherwise (nothing to flag).
    /// </summary>
    public static int Count(byte[]? live, NodeId site, ConflictPolicy policy, byte[]? field = null)
    {
        if (policy is not (ConflictPolicy.Siblings or ConflictPolicy.Custom) || live is null || !KeyRecord.ParseImage(live).HasVersionBlock)
        {
            return 0; // a policy that resolves, an absent key, or a value that was never in conflict
        }
        var part = field is null ? SitePart.String : SitePart.Hash;
        if (SiteDocumentCodec.FromRecord(live, site) is not { } document || document.Visible() is { } shown && shown != part)
        {
            return 0; // the read shows another type (it answers WRONGTYPE)
        }
        var count = document.Get(part, field ?? SiteDocument.StringElement)?.Siblings.Count ?? 0;
        return count > 1 ? count : 0;
    }

    /// <summary>Writes the flag for <paramref name="count"/> concurrent values (nothing below two, or on RESP2); the value follows it.</summary>
    public static void Write(RespWriter writer, int count)
    {
        if (count < 2 || writer.Protocol != RespProtocol.Resp3)
        {
            return;
        }
        writer.WriteAttributeHeader(1);
        writer.WriteSimpleString("siblings"u8);
        writer.WriteInteger(count);
    }
}
