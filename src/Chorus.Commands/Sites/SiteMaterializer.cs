using Chorus.Commands.Keyspace;
using Chorus.Commands.Logical;
using Chorus.Commands.Values;
using Chorus.Core.Sites;

namespace Chorus.Commands.Sites;

/// <summary>
/// Turns a merged <see cref="SiteDocument"/> into ordinary row changes: what brings the key's
/// stored record and elements from what they were to what the document shows. A collection
/// whose visible part stays the same changes only the elements the merge touched (and its
/// versions); a key whose visible type changes is deleted and recreated. The changes are applied
/// by the site like any others, so its followers and a rollback treat them like any write.
/// </summary>
public static class SiteMaterializer
{
    /// <summary>
    /// Under the custom policy: the value to show for a string (field null; the values are
    /// plain records) or a hash field with several concurrent values, newest first.
    /// </summary>
    public delegate byte[] Resolve(byte[]? field, IReadOnlyList<byte[]> values);

    /// <summary>The row changes, in order (apply each before reading the keyspace for the next key).</summary>
    public static List<KeyChange> Changes(StagedKeyspace keyspace, int db, byte[] key, byte[]? before, DocumentResolution merge, ConflictPolicy policy, Resolve? custom = null)
    {
        var document = merge.Merged;
        var block = SiteDocumentCodec.EncodeForRecord(document);
        var shown = document.Visible();
        var shownString = shown == SitePart.String ? Shown(document.Get(SitePart.String, SiteDocument.StringElement)!, null, custom) : null;
        if (shownString is not null && !ReferenceEquals(shownString, document.Get(SitePart.String, SiteDocument.StringElement)!.Winner.Value))
        {
            // The record shows a custom resolver's merge, not the newest value: the versions keep every value inline.
            block = SiteDocumentCodec.Encode(document);
        }
        var changes = new List<KeyChange>();
        var beforeIsCollection = before is not null && KeyRecord.ParseImage(before).IsCollection;
        if (shown is null or SitePart.String or SitePart.Counter)
        {
            var record = shown switch
            {
                SitePart.String => Records.WithVersionBlock(shownString!, block),
                SitePart.Counter => Records.String(System.Text.Encoding.ASCII.GetBytes(document.CounterValue().ToString(System.Globalization.CultureInfo.InvariantCulture)), 0, block),
                _ => Records.Tombstone(block),
            };
            if (beforeIsCollection)
            {
                changes.Add(new DeleteChange(db, key, Records.ImageOf(before!), DeleteReason.Command));
            }
            changes.Add(new PutChange(db, key, record, beforeIsCollection ? null : before));
            return changes;
        }
        var part = shown.Value;
        if (SiteVersioner.PartOf(before, policy) == part)
        {
            var id = KeyRecord.Parse(before!).CollectionId;
            var touched = merge.Changed.Where(c => c.Part == part).Select(c => c.Name);
            if (Diff(keyspace, id, part, document, touched, custom) is { } items)
            {
                changes.Add(ElementsChange(part, db, key, Records.ImageOf(before!), items));
            }
            changes.Add(new VersionBlockChange(db, key, block, KeyRecord.ParseImage(before!).VersionBlock.ToArray()));
            return changes;
        }
        if (before is not null)
        {
            changes.Add(new DeleteChange(db, key, Records.ImageOf(before), DeleteReason.Command));
        }
        var all = document.LiveElements(part).Select(e => e.Key);
        changes.Add(ElementsChange(part, db, key, null, Diff(null, 0, part, document, all, custom)!));
        changes.Add(new VersionBlockChange(db, key, block, []));
        return changes;
    }

    /// <summary>
    /// Items that take each named element from what is stored (nothing, without a keyspace: a new
    /// collection) to what the document shows; null when nothing differs.
    /// </summary>
    private static List<object>? Diff(StagedKeyspace? keyspace, ulong id, SitePart part, SiteDocument document, IEnumerable<byte[]> names, Resolve? custom)
    {
        var items = new List<object>();
        foreach (var name in names)
        {
            var state = document.Get(part, name)!;
            var target = !SiteDocument.IsLive(part, state) ? null : part == SitePart.Hash ? Shown(state, name, custom) : SiteDocument.ValueOf(part, state);
            switch (part)
            {
                case SitePart.Hash:
                    var value = keyspace?.GetElement(ElementKey.Named(id, name));
                    if (!Same(value, target))
                    {
                        items.Add(new FieldChange(name, target, value));
                    }
                    break;
                case SitePart.Set:
                    var present = keyspace?.GetElement(ElementKey.Named(id, name)) is not null;
                    if (present != target is not null)
                    {
                        items.Add(new MemberChange(name, target is not null));
                    }
                    break;
                default:
                    var stored = keyspace?.GetElement(ElementKey.Member(id, name)) is { } bytes ? ScoreBytes.Decode(bytes) : (double?)null;
                    var score = target is null ? (double?)null : ScoreBytes.Decode(target);
                    if (stored != score)
                    {
                        items.Add(new ScoreChange(name, score, stored));
                    }
                    break;
            }
        }
        return items.Count == 0 ? null : items;
    }

    /// <summary>The live value a read shows: the newest, or the custom resolver's merge of the live concurrent values.</summary>
    private static byte[] Shown(SiteKeyState state, byte[]? field, Resolve? custom)
    {
        var live = state.Siblings.Where(static s => s.Value is not null).Select(static s => s.Value!).ToList();
        return custom is not null && live.Count > 1 ? custom(field, live) : state.Winner.Value!;
    }

    private static bool Same(byte[]? a, byte[]? b) => a is null ? b is null : b is not null && a.AsSpan().SequenceEqual(b);

    private static ElementsChange ElementsChange(SitePart part, int db, byte[] key, byte[]? before, List<object> items) => part switch
    {
        SitePart.Hash => new HashChange(db, key, before, [.. items.Cast<FieldChange>()]),
        SitePart.Set => new SetChange(db, key, before, [.. items.Cast<MemberChange>()]),
        _ => new SortedSetChange(db, key, before, [.. items.Cast<ScoreChange>()]),
    };
}
