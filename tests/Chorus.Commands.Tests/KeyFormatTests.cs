using System.Text;
using Chorus.Commands.Keyspace;
using Chorus.Commands.Values;

namespace Chorus.Commands.Tests;

/// docs/storage-layout.md: every stored key and value format, byte for byte, and the orders they must sort in.
public sealed class KeyFormatTests
{
    [Fact]
    public void A_record_key_is_physical_db_then_hash_then_key()
    {
        var key = Encoding.UTF8.GetBytes("user:1");
        var stored = StoredKey.Create(0x8000_0003, key);

        Assert.Equal([0x80, 0x00, 0x00, 0x03], stored[..4]);
        Assert.Equal(StoredKey.Hash(key), StoredKey.HashOf(stored));
        Assert.True(StoredKey.Hash(key) < 1UL << 63);
        Assert.Equal(key, StoredKey.UserKey(stored).ToArray());
        Assert.Equal(0x8000_0003u, StoredKey.DbOf(stored));
        Assert.True(stored[0] >= 0x80, "a format-2 key never looks like a format-1 one");
    }

    [Fact]
    public void An_expiry_index_key_is_physical_db_then_time_then_key()
    {
        var index = ExpiryIndexKey.Create(0x8000_0000, 1_700_000_000_123, "k"u8);

        Assert.Equal(0x8000_0000u, ExpiryIndexKey.DbOf(index));
        Assert.Equal(1_700_000_000_123, ExpiryIndexKey.ExpiresAtMs(index));
        Assert.Equal("k"u8.ToArray(), ExpiryIndexKey.UserKey(index).ToArray());
        Assert.True(ExpiryIndexKey.Create(0x8000_0000, 5, "z"u8).AsSpan().SequenceCompareTo(ExpiryIndexKey.Create(0x8000_0000, 6, "a"u8)) < 0);
    }

    [Fact]
    public void A_named_element_key_is_id_then_name_hash_then_name()
    {
        var key = ElementKey.Named(42, "field"u8);

        Assert.Equal(42UL, ElementKey.IdOf(key));
        var subKey = ElementKey.SubKeyOf(key);
        Assert.Equal(ElementKey.NameHash("field"u8), ElementKey.NameHashOf(subKey));
        Assert.Equal("field"u8.ToArray(), ElementKey.NameOf(subKey).ToArray());
        Assert.Equal(8 + 4 + 5, key.Length);
    }

    [Fact]
    public void Sorted_set_entries_are_tagged_and_scores_sort_numerically()
    {
        var member = ElementKey.Member(7, "m"u8);
        Assert.Equal(ElementKey.ScoreByMember, member[8]);
        double[] scores = [double.NegativeInfinity, -1e300, -2.5, -0.0, 0.0, 1e-300, 3, 1e300, double.PositiveInfinity];
        var keys = scores.Select(s => ElementKey.Score(7, s, "m"u8)).ToList();
        Assert.All(keys, k => Assert.Equal(ElementKey.MemberByScore, k[8]));
        for (var i = 1; i < keys.Count; i++)
        {
            Assert.True(keys[i - 1].AsSpan().SequenceCompareTo(keys[i]) <= 0, $"{scores[i - 1]} sorts before {scores[i]}");
        }
        Assert.Equal(keys[3], keys[4]);
        Assert.All(scores.Where(s => s != 0), s => Assert.Equal(s, SortableScore.Decode(SortableScore.Encode(s))));
    }

    [Fact]
    public void List_indices_sort_numerically_across_zero()
    {
        long[] indices = [long.MinValue, -5, -1, 0, 1, 5, long.MaxValue];
        var keys = indices.Select(i => ElementKey.ListIndex(1, i)).ToList();
        for (var i = 1; i < keys.Count; i++)
        {
            Assert.True(keys[i - 1].AsSpan().SequenceCompareTo(keys[i]) < 0);
        }
        Assert.All(indices, i => Assert.Equal(i, ElementKey.ListIndexOf(ElementKey.SubKeyOf(ElementKey.ListIndex(1, i)))));
    }

    [Fact]
    public void A_string_record_without_expiry_is_type_flags_bytes()
    {
        Assert.Equal([1, 0, (byte)'v'], Records.String("v"u8, 0));
        var expiring = Records.String("v"u8, 300);
        Assert.Equal([1, KeyRecord.HasExpiryFlag, 0xAC, 0x02, (byte)'v'], expiring);
        Assert.Equal(300, KeyRecord.Parse(expiring).ExpiresAtMs);
    }

    [Fact]
    public void A_collection_record_holds_count_and_id_and_its_image_only_the_count()
    {
        var record = Records.Collection(DataType.List, 0, default, count: 3, collectionId: 9, head: -2);
        var parsed = KeyRecord.Parse(record);
        Assert.Equal((DataType.List, 3L, 9UL, -2L), (parsed.Type, parsed.Count, parsed.CollectionId, parsed.Head));

        var image = Records.ImageOf(record);
        Assert.Equal([(byte)DataType.List, 0, 3], image);
        Assert.Equal(3, KeyRecord.ParseImage(image).Count);
        Assert.Equal(record, Records.FromImage(image, 3, 9, -2));
    }

    [Fact]
    public void A_version_block_survives_every_rewrite_and_travels_in_images()
    {
        byte[] block = [1, 2, 3, 4];
        var record = Records.Collection(DataType.Hash, 500, block, count: 1, collectionId: 1);
        Assert.Equal(KeyRecord.HasExpiryFlag | KeyRecord.HasVersionFlag, record[1]);

        var rewritten = Records.WithCount(Records.WithExpiry(record, 0), 2, 0);

        Assert.Equal(block, KeyRecord.Parse(rewritten).VersionBlock.ToArray());
        Assert.Equal(block, KeyRecord.ParseImage(Records.ImageOf(rewritten)).VersionBlock.ToArray());
        Assert.Equal(0, KeyRecord.Parse(rewritten).ExpiresAtMs);
    }

    [Fact]
    public void Unknown_types_and_flags_are_refused()
    {
        Assert.Throws<Core.Encoding.CorruptDataException>(() => KeyRecord.Parse([6, 0]));
        Assert.Throws<Core.Encoding.CorruptDataException>(() => KeyRecord.Parse([1, 0x04]));
    }

    [Fact]
    public void The_catalog_round_trips_and_starts_fresh()
    {
        var catalog = KeyspaceCatalog.Fresh();
        Assert.Equal(PhysicalDb.Initial(3), catalog.Physical(3));
        catalog.TakeCollectionId();
        var old = catalog.Remap(3);
        catalog.Swap(0, 1);

        var decoded = KeyspaceCatalog.Decode(catalog.Encode());

        Assert.Equal(PhysicalDb.Initial(3), old);
        Assert.Equal(catalog.Databases, decoded.Databases);
        Assert.Equal((2UL, PhysicalDb.Initial(17)), (decoded.NextCollectionId, decoded.NextPhysicalDb));
        Assert.Equal(0, decoded.Logical(PhysicalDb.Initial(1)));
        Assert.Equal(-1, decoded.Logical(old));
    }

    [Fact]
    public void Garbage_keys_live_in_the_bookkeeping_database_and_tags_sort_oldest_first()
    {
        var owner = GarbageIndex.OwnerKey(GarbageIndex.CollectionOwnerPrefix(0x8000_0000, "k"u8), seq: 5);
        Assert.Equal([0xFF, 0xFF, 0xFF, 0xFF, (byte)'O', 1], owner[..6]);
        var older = GarbageIndex.TagKey(tag: 9, seq: 100);
        var newer = GarbageIndex.TagKey(tag: 10, seq: 1);
        Assert.True(older.AsSpan().SequenceCompareTo(newer) < 0);
        Assert.Equal((9UL, 100UL), (GarbageIndex.TagOf(older), GarbageIndex.SeqOf(older)));
        var entry = GarbageIndex.ReadTagValue(GarbageIndex.TagValue(owner, GarbageIndex.Kind.Collection, 77, 3));
        Assert.Equal(owner, entry.OwnerKey);
        Assert.Equal((GarbageIndex.Kind.Collection, 77UL, 3L), (entry.Kind, entry.Id, entry.Count));
    }
}
