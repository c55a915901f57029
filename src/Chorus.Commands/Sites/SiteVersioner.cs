using Chorus.Commands.Keyspace;
using Chorus.Commands.Logical;
using Chorus.Commands.Values;
using Chorus.Core;
using Chorus.Core.Sites;
using Chorus.Core.Versions;

namespace Chorus.Commands.Sites;

/// <summary>What a local write did to one key, for the other sites: the versions it made (the delta) and the key's whole document after it.</summary>
public sealed record VersionedKey(SiteDocument Delta, SiteDocument After);

/// <summary>
/// Versions a local write at a site leader, key by key: every element the write changed gets a
/// version one step past what the site had seen of that element — a string's record, a hash
/// field, a set member, a sorted-set member, the site's own contribution to a counter. A write
/// that leaves the key as one type (or absent) also removes every element of the other types it
/// saw (observed remove), so a local write always leaves one visible part; elements other sites
/// wrote concurrently, which it did not see, survive the merge (that is the add-wins rule for sets).
/// </summary>
public static class SiteVersioner
{
    /// <param name="stamp">The write's site and HLC time.</param>
    /// <param name="before">The key's stored record before the command (its versions).</param>
    /// <param name="after">The key's stored record after it.</param>
    /// <param name="changes">The command's row changes to this key.</param>
    /// <param name="policy">The key's conflict policy (counter keys version their increments).</param>
    /// <param name="setAdds">
    /// Members an SADD named: each gets a new add version even when it was already present (Redis
    /// logs no change for it), so a concurrent SREM at another site — which did not see this add —
    /// does not remove it (add-wins).
    /// </param>
    /// <returns>Null when the command changed nothing a site versions.</returns>
    public static VersionedKey? Version(WriteStamp stamp, byte[]? before, byte[]? after, IEnumerable<KeyChange> changes, ConflictPolicy policy, IReadOnlyList<byte[]>? setAdds = null)
    {
        var document = SiteDocumentCodec.FromRecord(before, stamp.Site) ?? new SiteDocument();
        var afterPart = PartOf(after, policy);
        var written = new Dictionary<(SitePart Part, string Name), (byte[] Name, byte[]? Value)>();
        var cleared = new HashSet<SitePart>();
        foreach (var change in changes)
        {
            Collect(change, written, cleared);
        }
        if (afterPart == SitePart.Set)
        {
            foreach (var member in setAdds ?? [])
            {
                Write(written, SitePart.Set, member, SetItems.PresentValue);
            }
        }
        switch (afterPart)
        {
            case SitePart.String:
                Write(written, SitePart.String, SiteDocument.StringElement, SiteRecord.Plain(after));
                break;
            case SitePart.Counter:
                var site = System.Text.Encoding.ASCII.GetBytes(stamp.Site.Value);
                // In range: the site refused an increment its own share could not take (CounterShareOverflows).
                Write(written, SitePart.Counter, site, SiteDocument.EncodeContribution(unchecked((long)OwnShareAfter(document, site, before, after))));
                break;
        }
        foreach (var part in document.Parts.ToList())
        {
            if (part == afterPart && !cleared.Contains(part))
            {
                continue;
            }
            foreach (var (name, _) in document.LiveElements(part).ToList())
            {
                written.TryAdd((part, Key(name)), (name, null));
            }
        }
        if (written.Count == 0)
        {
            return null;
        }
        var deltaDocument = new SiteDocument();
        var afterDocument = document.Copy();
        foreach (var ((part, _), (name, value)) in written)
        {
            var context = document.Get(part, name)?.Context ?? VersionVector.Empty;
            var clock = context.With(stamp.Site, context[stamp.Site] + 1);
            var state = new SiteKeyState([new SiteSibling(new SiteVersion(clock, stamp.Timestamp, stamp.Site), value)]);
            deltaDocument.Set(part, name, state);
            afterDocument.Set(part, name, state);
        }
        return new VersionedKey(deltaDocument, afterDocument);
    }

    /// <summary>The part a stored record shows (null: absent); a string under the counter policy is a counter.</summary>
    public static SitePart? PartOf(byte[]? record, ConflictPolicy policy)
    {
        if (record is null || KeyRecord.IsTombstoneRecord(record))
        {
            return null;
        }
        return KeyRecord.ParseImage(record).Type switch
        {
            DataType.String => policy == ConflictPolicy.Counter ? SitePart.Counter : SitePart.String,
            DataType.Hash => SitePart.Hash,
            DataType.Set => SitePart.Set,
            DataType.SortedSet => SitePart.SortedSet,
            var type => throw new InvalidOperationException($"a {DataTypes.Name(type)} is not versioned at a site"),
        };
    }

    private static void Collect(KeyChange change, Dictionary<(SitePart, string), (byte[], byte[]?)> written, HashSet<SitePart> cleared)
    {
        switch (change)
        {
            case HashChange hash:
                foreach (var field in hash.Fields)
                {
                    Write(written, SitePart.Hash, field.Field, field.Value);
                }
                break;
            case SetChange set:
                foreach (var member in set.Members)
                {
                    Write(written, SitePart.Set, member.Member, member.Added ? SetItems.PresentValue : null);
                }
                break;
            case SortedSetChange sorted:
                foreach (var member in sorted.Members)
                {
                    Write(written, SitePart.SortedSet, member.Member, member.Score is { } score ? ScoreBytes.Encode(score) : null);
                }
                break;
            case DeleteChange delete when PartOf(delete.Before, ConflictPolicy.Lww) is SitePart part and not SitePart.String:
                // The collection was removed whole (DEL, or a *STORE overwriting it): its elements go, unless written again.
                cleared.Add(part);
                break;
        }
    }

    private static void Write(Dictionary<(SitePart, string), (byte[], byte[]?)> written, SitePart part, byte[] name, byte[]? value) =>
        written[(part, Key(name))] = (name, value);

    /// <summary>A dictionary key for an element name (Latin-1 keeps every byte).</summary>
    private static string Key(byte[] name) => System.Text.Encoding.Latin1.GetString(name);

    /// <summary>
    /// Whether an increment at <paramref name="site"/> (the key stored as <paramref name="before"/>,
    /// read as <paramref name="after"/> once incremented) would take the site's own share of the
    /// counter past the 64-bit limits. The increment already passed Redis's check on the sum this
    /// site sees; but another site's negative share can keep that sum low while this site's own share
    /// is near the limit, and the share would wrap round to the other sign.
    /// </summary>
    public static bool CounterShareOverflows(NodeId site, byte[]? before, byte[] after)
    {
        var document = SiteDocumentCodec.FromRecord(before, site) ?? new SiteDocument();
        var share = OwnShareAfter(document, System.Text.Encoding.ASCII.GetBytes(site.Value), before, after);
        return share < long.MinValue || share > long.MaxValue;
    }

    /// <summary>This site's share of a counter after a local increment: its share before, plus what the increment added to the visible sum.</summary>
    private static Int128 OwnShareAfter(SiteDocument document, byte[] site, byte[]? before, byte[]? after)
    {
        var delta = (Int128)IntegerOf(after) - (before is not null && !KeyRecord.IsTombstoneRecord(before) ? IntegerOf(before) : 0);
        return SiteDocument.Contribution(document.Get(SitePart.Counter, site)) + delta;
    }

    private static long IntegerOf(byte[]? record) =>
        record is not null && long.TryParse(KeyRecord.ParseImage(record).Payload, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var value) ? value : 0;
}
