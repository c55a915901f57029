using Chorus.Commands.Logical;
using Chorus.Commands.Values;
using Chorus.Core.Encoding;

namespace Chorus.Commands.Tests;

/// docs/storage-layout.md, "The logical log": every change type round-trips through payload format 2.
public sealed class LogicalPayloadTests
{
    private static readonly byte[] Key = "k"u8.ToArray();


    [Fact]
    public void Every_change_type_round_trips()
    {
        var changes = Changes();
        var decoded = LogicalPayload.Decode(LogicalPayload.Encode(changes));

        Assert.Equal(changes.Count, decoded.Count);
        for (var i = 0; i < changes.Count; i++)
        {
            Assert.Equal(Render(changes[i]), Render(decoded[i]));
        }
        Assert.Equal(14, changes.Select(c => c.GetType()).Distinct().Count());
    }

    [Fact]
    public void A_payload_starts_with_version_2()
    {
        Assert.Equal(2, LogicalPayload.Encode([new FlushAllChange()])[0]);
    }

    [Fact]
    public void Unknown_versions_databases_and_ops_are_refused()
    {
        Assert.Throws<CorruptDataException>(() => LogicalPayload.Decode([3, 0]));
        Assert.Throws<CorruptDataException>(() => LogicalPayload.Decode([2, 1, 11, 16]));
        Assert.Throws<CorruptDataException>(() => LogicalPayload.Decode([2, 1, 99]));
        Assert.Throws<CorruptDataException>(() => LogicalPayload.Decode([.. LogicalPayload.Encode([new FlushAllChange()]), 0]));
    }

    private static List<RowChange> Changes()
    {
        var image = Records.String("v"u8, 5);
        var collection = Records.NewCollectionImageWithCount(DataType.Hash, 3);
        return
        [
            new PutChange(1, Key, image, null),
            new PutChange(0, Key, image, collection),
            new DeleteChange(15, Key, collection, DeleteReason.Expired),
            new ExpireChange(2, Key, 1_700_000_000_000, 0),
            new PatchChange(3, Key, 10, "xy"u8.ToArray(), "a"u8.ToArray(), 11, Created: false),
            new HashChange(4, Key, null, [new FieldChange("f"u8.ToArray(), "v"u8.ToArray(), null), new FieldChange("g"u8.ToArray(), null, "old"u8.ToArray())]),
            new SetChange(5, Key, collection, [new MemberChange("m"u8.ToArray(), true), new MemberChange("n"u8.ToArray(), false)]),
            new SortedSetChange(6, Key, null, [new ScoreChange("m"u8.ToArray(), double.NegativeInfinity, null), new ScoreChange("n"u8.ToArray(), null, 2.5)]),
            new ListChange(7, Key, collection,
            [
                new ListEdit(ListEditKind.PushLeft, 0, "a"u8.ToArray()), new ListEdit(ListEditKind.PopRight, 0, "b"u8.ToArray()),
                new ListEdit(ListEditKind.Set, 3, "c"u8.ToArray(), "d"u8.ToArray()), new ListEdit(ListEditKind.Insert, 2, "e"u8.ToArray()),
                new ListEdit(ListEditKind.Remove, 1, "f"u8.ToArray()),
            ]),
            new RenameChange(8, Key, 9, "t"u8.ToArray(), collection, image),
            new CopyChange(10, Key, 10, "t"u8.ToArray(), image, null),
            new FlushDbChange(11),
            new FlushAllChange(),
            new SwapDbChange(12, 13),
            new VersionBlockChange(3, "k"u8.ToArray(), [2, 0], []),
        ];
    }

    /// <summary>Records compare arrays by reference; this renders every byte.</summary>
    private static string Render(RowChange change) => change switch
    {
        HashChange hash => $"{Head(hash)} {string.Join(',', hash.Fields.Select(f => $"{Hex(f.Field)}={Hex(f.Value)}<{Hex(f.Previous)}"))}",
        SetChange set => $"{Head(set)} {string.Join(',', set.Members.Select(m => $"{Hex(m.Member)}{m.Added}"))}",
        SortedSetChange sorted => $"{Head(sorted)} {string.Join(',', sorted.Members.Select(m => $"{Hex(m.Member)}={m.Score}<{m.Previous}"))}",
        ListChange list => $"{Head(list)} {string.Join(',', list.Edits.Select(e => $"{e.Kind}@{e.Index}={Hex(e.Value)}<{Hex(e.Previous)}"))}",
        PutChange put => $"put {put.Db} {Hex(put.Key)} {Hex(put.After)} {Hex(put.Before)}",
        DeleteChange delete => $"del {delete.Db} {Hex(delete.Key)} {Hex(delete.Before)} {delete.Reason}",
        PatchChange patch => $"patch {patch.Db} {Hex(patch.Key)} {patch.Offset} {Hex(patch.Bytes)} {Hex(patch.Replaced)} {patch.LengthBefore} {patch.Created}",
        RenameChange rename => $"rename {rename.Db} {Hex(rename.Key)} {rename.TargetDb} {Hex(rename.Target)} {Hex(rename.Image)} {Hex(rename.TargetBefore)}",
        VersionBlockChange block => $"versions {block.Db} {Hex(block.Key)} {Hex(block.Block)} {Hex(block.Previous)}",
        CopyChange copy => $"copy {copy.Db} {Hex(copy.Key)} {copy.TargetDb} {Hex(copy.Target)} {Hex(copy.Image)} {Hex(copy.TargetBefore)}",
        _ => change.ToString(),
    };

    private static string Head(ElementsChange change) => $"{change.GetType().Name} {change.Db} {Hex(change.Key)} {Hex(change.Before)}";

    private static string Hex(byte[]? bytes) => bytes is null ? "null" : Convert.ToHexString(bytes);
}
