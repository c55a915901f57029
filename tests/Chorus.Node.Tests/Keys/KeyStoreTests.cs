using System.Text;
using Chorus.Commands.Keyspace;
using Chorus.Commands.Values;
using Chorus.Core;
using Chorus.Core.Log;
using Chorus.Core.Versions;
using Chorus.Replication;
using Chorus.Storage;
using Chorus.Storage.InMemory;

namespace Chorus.Node.Tests.Keys;

/// <summary>
/// The leaderless family's storage effects on storage format 2 (docs/storage-layout.md): versioned
/// records live in database 0's physical prefix, ordered by key hash, so a Merkle leaf or an
/// anti-entropy range is one contiguous scan of that prefix — never another database's records,
/// the keyspace's bookkeeping, or records without a version block.
/// </summary>
public sealed class KeyStoreTests
{
    private static readonly string[] Versioned = ["a", "b", "c", "d", "e"];

    private readonly InMemoryStorageEngine _storage = new();
    private readonly KeyStore _store;

    public KeyStoreTests()
    {
        _store = new KeyStore(_storage, DurabilityPolicy.Always);
        using var batch = _storage.NewBatch();
        foreach (var key in Versioned)
        {
            batch.Put(StorageColumn.Data, StoredKey.Create(PhysicalDb.Initial(0), Bytes(key)), Record(key));
        }
        batch.Put(StorageColumn.Data, StoredKey.Create(PhysicalDb.Initial(0), Bytes("plain")), Records.String(Bytes("x"), 0));
        batch.Put(StorageColumn.Data, StoredKey.Create(PhysicalDb.Initial(1), Bytes("other-db")), Record("other-db"));
        batch.Put(StorageColumn.Data, StoredKey.Create(PhysicalDb.Initial(0) - 1, Bytes("below")), Record("below"));
        batch.Put(StorageColumn.Data, [0xFF, 0xFF, 0xFF, 0xFF, (byte)'T', 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], [1]);
        _storage.Write(batch, sync: true);
    }

    [Fact]
    public void A_whole_space_scan_returns_database_0s_versioned_records_in_hash_order_and_nothing_else()
    {
        var (records, complete) = _store.ReadRange(new RangeReadRequest(1, 0, KeyHash.SpaceEnd, null, 100, 1 << 20));

        Assert.True(complete);
        Assert.Equal(Versioned.OrderBy(k => KeyHash.Of(Bytes(k))), records.Select(r => Encoding.UTF8.GetString(r.Key)));
        Assert.All(records, r => Assert.Equal("v-" + Encoding.UTF8.GetString(r.Key), Value(r)));
    }

    [Fact]
    public void A_scan_pages_by_record_count_and_resumes_after_the_last_storage_key()
    {
        var seen = new List<string>();
        byte[]? after = null;
        for (var page = 0; page < 10; page++)
        {
            var (records, complete) = _store.ReadRange(new RangeReadRequest(page, 0, KeyHash.SpaceEnd, after, 2, 1 << 20));
            seen.AddRange(records.Select(r => Encoding.UTF8.GetString(r.Key)));
            if (complete)
            {
                break;
            }
            Assert.Equal(2, records.Count);
            after = records[^1].StorageKey;
        }
        Assert.Equal(Versioned.OrderBy(k => KeyHash.Of(Bytes(k))), seen);
    }

    [Fact]
    public void A_hash_range_scan_stops_at_the_range_end()
    {
        var hash = KeyHash.Of(Bytes("c"));
        var (records, complete) = _store.ReadRange(new RangeReadRequest(1, hash, hash + 1, null, 100, 1 << 20));
        Assert.True(complete);
        Assert.Equal("c", Encoding.UTF8.GetString(Assert.Single(records).Key));
    }

    [Fact]
    public void Point_reads_see_only_database_0s_versioned_records()
    {
        var found = _store.Read(new KeyReadRequest(1, [Bytes("a"), Bytes("plain"), Bytes("other-db"), Bytes("missing")]));
        Assert.Equal("v-a", Value(found[0]!));
        Assert.Null(found[1]);
        Assert.Null(found[2]);
        Assert.Null(found[3]);
    }

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    private static byte[] Record(string key)
    {
        var versions = KeyVersions.Empty.Update(VersionVector.Empty, new VersionedValue(Bytes("v-" + key), HlcTimestamp.From(1000, 0)), new NodeId("n1"));
        var (block, body) = KeyVersions.ToRecord(versions);
        return VersionedRecord.Encode(new KeyImage(Bytes(key), block, body));
    }

    private static string Value(StoredKeyVersions stored) =>
        Encoding.UTF8.GetString(KeyVersions.Winner(KeyVersions.FromRecord(stored.Block, stored.Body))!.Value.Value.Bytes!);
}
