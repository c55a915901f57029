using Chorus.Commands.Keyspace;
using Chorus.Commands.Values;
using Chorus.Storage;

namespace Chorus.Commands.Tests.Support;

/// <summary>
/// Checks a keyspace's physical layout against docs/storage-layout.md: every collection's count
/// matches its elements and their shapes (a sorted set's two entries agree, a list's indices are
/// dense from its head), every element belongs to a live or garbage collection, garbage entries
/// come in owner/tag pairs, and the expiry index has exactly one entry per record with an expiry.
/// </summary>
internal static class LayoutCheck
{
    private sealed record Collection(DataType Type, long Count, long Head, string Where);

    public static void Verify(IStorageEngine storage)
    {
        var collections = new Dictionary<ulong, Collection>();
        var expected = new List<string>();
        var garbageDbs = GarbageDatabases(storage);
        var catalog = KeyspaceCatalog.Read(storage);
        foreach (var (key, value) in Scan(storage, StorageColumn.Data, PhysicalDb.Start(PhysicalDb.First), PhysicalDb.Start(PhysicalDb.ReservedFrom)))
        {
            var db = StoredKey.DbOf(key);
            Assert.True(catalog.Databases.Contains(db) || garbageDbs.Contains(db), $"records of physical database {db:x} are neither mapped nor garbage");
            Assert.True(db < catalog.NextPhysicalDb, "physical database ids come from the catalog's counter");
            var record = KeyRecord.Parse(value);
            if (record.HasExpiry)
            {
                expected.Add(Convert.ToHexString(ExpiryIndexKey.Create(db, record.ExpiresAtMs, StoredKey.UserKey(key))));
            }
            if (record.IsCollection)
            {
                Assert.True(record.Count > 0 || record.Type == DataType.Stream, "an empty collection is not stored (a stream may be empty, as in Redis)");
                AddCollection(collections, record.CollectionId, new Collection(record.Type, record.Count, record.Head, $"record {Convert.ToHexString(key)}"));
            }
        }
        foreach (var (id, collection) in GarbageCollections(storage))
        {
            AddCollection(collections, id, collection);
        }
        Assert.True(collections.Keys.All(id => id < catalog.NextCollectionId), "collection ids come from the catalog's counter");
        VerifyElements(storage, collections);
        expected.Sort(StringComparer.Ordinal);
        Assert.Equal(expected, Scan(storage, StorageColumn.Expiry, [], [0xFF, 0xFF, 0xFF, 0xFF, 0xFF]).Select(e => Convert.ToHexString(e.Key)).ToList());
    }

    private static void AddCollection(Dictionary<ulong, Collection> collections, ulong id, Collection collection)
    {
        Assert.False(collections.ContainsKey(id), $"collection id {id} is used by {collection.Where} and {(collections.TryGetValue(id, out var other) ? other.Where : "")}");
        collections[id] = collection;
    }

    private static void VerifyElements(IStorageEngine storage, Dictionary<ulong, Collection> collections)
    {
        var byId = Scan(storage, StorageColumn.Elements, [], [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF])
            .GroupBy(e => ElementKey.IdOf(e.Key))
            .ToDictionary(g => g.Key, g => g.Select(e => (SubKey: ElementKey.SubKeyOf(e.Key).ToArray(), e.Value)).ToList());
        foreach (var id in byId.Keys)
        {
            Assert.True(collections.ContainsKey(id), $"elements of collection {id} belong to no live or garbage collection");
        }
        foreach (var (id, collection) in collections)
        {
            var elements = byId.GetValueOrDefault(id) ?? [];
            switch (collection.Type)
            {
                case DataType.Hash or DataType.Set:
                    Assert.Equal(collection.Count, elements.Count);
                    Assert.All(elements, e => Assert.Equal(ElementKey.NameHash(ElementKey.NameOf(e.SubKey)), ElementKey.NameHashOf(e.SubKey)));
                    break;
                case DataType.SortedSet:
                    VerifySortedSet(collection, elements);
                    break;
                case DataType.Stream:
                    Assert.Equal(collection.Count, elements.Count(e => e.SubKey[0] == (byte)Logical.StreamItemKind.Entry));
                    Assert.All(elements.Where(e => e.SubKey[0] == (byte)Logical.StreamItemKind.Entry), e => Assert.Equal(1 + StreamId.EncodedLength, e.SubKey.Length));
                    break;
                case DataType.List:
                    Assert.Equal(
                        Enumerable.Range(0, (int)collection.Count).Select(i => collection.Head + i),
                        elements.Select(e => ElementKey.ListIndexOf(e.SubKey)));
                    break;
            }
        }
    }

    private static void VerifySortedSet(Collection collection, List<(byte[] SubKey, byte[] Value)> elements)
    {
        var members = elements.Where(e => e.SubKey[0] == ElementKey.ScoreByMember).ToList();
        var scores = elements.Where(e => e.SubKey[0] == ElementKey.MemberByScore).ToList();
        Assert.Equal(collection.Count, members.Count);
        Assert.Equal(collection.Count, scores.Count);
        var indexed = scores.Select(e => (Member: Convert.ToHexString(e.SubKey.AsSpan(9)), Score: SortableScore.Read(e.SubKey.AsSpan(1)))).ToDictionary(e => e.Member, e => e.Score);
        foreach (var (subKey, value) in members)
        {
            var name = ElementKey.NameOf(subKey.AsSpan(1));
            var score = ScoreBytes.Decode(value);
            Assert.False(double.IsNaN(score));
            Assert.Equal(score == 0 ? 0 : score, indexed[Convert.ToHexString(name)]);
        }
    }

    /// <summary>Garbage collections, from their owner entries (each must have its tag entry).</summary>
    private static IEnumerable<(ulong Id, Collection Collection)> GarbageCollections(IStorageEngine storage)
    {
        var tags = TagEntries(storage);
        var owners = OwnerEntries(storage, GarbageIndex.Kind.Collection).ToList();
        Assert.Equal(tags.Count, owners.Count + OwnerEntries(storage, GarbageIndex.Kind.Database).Count());
        foreach (var (key, value) in owners)
        {
            Assert.Contains(Convert.ToHexString(key), tags);
            var record = KeyRecord.Parse(GarbageIndex.OwnerValueRecord(value));
            yield return (record.CollectionId, new Collection(record.Type, record.Count, record.Head, $"garbage {Convert.ToHexString(key)}"));
        }
    }

    private static HashSet<uint> GarbageDatabases(IStorageEngine storage) =>
        [.. OwnerEntries(storage, GarbageIndex.Kind.Database).Select(e => GarbageIndex.OwnerValuePhysical(e.Value))];

    private static IEnumerable<(byte[] Key, byte[] Value)> OwnerEntries(IStorageEngine storage, GarbageIndex.Kind kind)
    {
        byte[] root = [0xFF, 0xFF, 0xFF, 0xFF, (byte)'O', (byte)kind];
        return Scan(storage, StorageColumn.Data, root, [.. root[..5], (byte)((byte)kind + 1)]);
    }

    /// <summary>The owner keys the tag entries name.</summary>
    private static HashSet<string> TagEntries(IStorageEngine storage) =>
        [.. Scan(storage, StorageColumn.Data, GarbageIndex.TagStart, [0xFF, 0xFF, 0xFF, 0xFF, (byte)'U'])
            .Select(e => Convert.ToHexString(GarbageIndex.ReadTagValue(e.Value).OwnerKey))];

    private static List<(byte[] Key, byte[] Value)> Scan(IStorageEngine storage, StorageColumn column, byte[] from, byte[] to)
    {
        var entries = new List<(byte[] Key, byte[] Value)>();
        using var iterator = storage.NewIterator(column);
        for (iterator.Seek(from); iterator.Valid && iterator.Key.SequenceCompareTo(to) < 0; iterator.Next())
        {
            entries.Add((iterator.Key.ToArray(), iterator.Value.ToArray()));
        }
        return entries;
    }
}
