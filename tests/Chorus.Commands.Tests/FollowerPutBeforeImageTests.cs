using Chorus.Commands.Keyspace;
using Chorus.Commands.Logical;
using Chorus.Commands.Values;
using Chorus.Core;
using Chorus.Storage;
using Chorus.Storage.InMemory;

namespace Chorus.Commands.Tests;

/// <summary>
/// A follower applying a SET over a key that holds a string takes what is stored from the change's
/// before-image instead of reading the key (a replica holds a prefix of the leader's history; issue
/// 14, catch-up), and keeps the expiry index exactly as a read would have. Where the image cannot
/// say (nothing before, or a collection), the key is still read.
/// </summary>
public sealed class FollowerPutBeforeImageTests
{
    private static readonly byte[] Key = "k"u8.ToArray();

    [Fact]
    public void A_put_over_a_string_reads_nothing_and_moves_the_expiry_index()
    {
        var storage = new CountingStorage(new InMemoryStorageEngine());
        var keyspace = new StagedKeyspace(storage);
        var withTtl = Records.String("v1"u8, expiresAtMs: 1_800_000_000_000);
        Apply(storage, keyspace, 1, new PutChange(0, Key, withTtl, null));
        Assert.Single(Rows(storage, StorageColumn.Expiry));

        var readsBefore = storage.Reads;
        var plain = Records.String("v2"u8, expiresAtMs: 0);
        Apply(storage, keyspace, 2, new PutChange(0, Key, plain, Records.ImageOf(withTtl)));

        Assert.Equal(readsBefore, storage.Reads);
        Assert.Empty(Rows(storage, StorageColumn.Expiry));
        Assert.Equal(plain, Stored(storage));
    }

    [Fact]
    public void A_put_with_no_before_image_still_reads_the_key()
    {
        var storage = new CountingStorage(new InMemoryStorageEngine());
        var keyspace = new StagedKeyspace(storage);
        var readsBefore = storage.Reads;
        Apply(storage, keyspace, 1, new PutChange(0, Key, Records.String("v"u8, expiresAtMs: 0), null));
        Assert.True(storage.Reads > readsBefore, "a put that names nothing before reads what is stored");
    }

    [Fact]
    public void A_put_over_a_collection_image_still_reads_the_key()
    {
        var storage = new CountingStorage(new InMemoryStorageEngine());
        var keyspace = new StagedKeyspace(storage);
        var readsBefore = storage.Reads;
        // Nothing is stored: the image alone (a collection's, without its id) would claim a hash.
        Apply(storage, keyspace, 1, new PutChange(0, Key, Records.String("v"u8, expiresAtMs: 0), Records.NewCollectionImage(DataType.Hash)));
        Assert.True(storage.Reads > readsBefore, "a collection's image does not say its collection id");
        Assert.Equal(Records.String("v"u8, expiresAtMs: 0), Stored(storage));
    }

    /// <summary>As a follower applies an entry: one keyspace for the node's life, flushed per batch.</summary>
    private static void Apply(IStorageEngine storage, StagedKeyspace keyspace, ulong lsn, RowChange change)
    {
        RowChangeApplier.Apply(change, keyspace);
        using var batch = storage.NewBatch();
        keyspace.FlushTo(batch, new Lsn(lsn));
        storage.Write(batch, sync: false);
    }

    private static byte[]? Stored(IStorageEngine storage)
    {
        var keyspace = new StagedKeyspace(storage);
        return keyspace.Get(keyspace.Physical(0), Key);
    }

    private static List<byte[]> Rows(IStorageEngine storage, StorageColumn column)
    {
        using var iterator = storage.NewIterator(column);
        var rows = new List<byte[]>();
        for (iterator.SeekToFirst(); iterator.Valid; iterator.Next())
        {
            rows.Add(iterator.Key.ToArray());
        }
        return rows;
    }

    /// <summary>Counts point reads of keys in the data column (not of the keyspace catalog, read once per batch); everything else passes through.</summary>
    private sealed class CountingStorage(IStorageEngine inner) : IStorageEngine
    {
        public int Reads { get; private set; }

        public byte[]? Get(StorageColumn column, ReadOnlySpan<byte> key)
        {
            if (column == StorageColumn.Data && !key.SequenceEqual(KeyspaceCatalog.Key))
            {
                Reads++;
            }
            return inner.Get(column, key);
        }

        public IStorageIterator NewIterator(StorageColumn column) => inner.NewIterator(column);

        public IStorageBatch NewBatch() => inner.NewBatch();

        public void Write(IStorageBatch batch, bool sync) => inner.Write(batch, sync);

        public void Sync() => inner.Sync();

        public long ApproximateSize(StorageColumn column) => inner.ApproximateSize(column);

        public long ApproximateKeyCount(StorageColumn column) => inner.ApproximateKeyCount(column);

        public void Dispose() => inner.Dispose();
    }
}
