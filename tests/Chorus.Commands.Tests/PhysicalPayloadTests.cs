using Chorus.Commands.Keyspace;
using Chorus.Commands.Physical;
using Chorus.Core;
using Chorus.Core.Encoding;
using Chorus.Storage;
using Chorus.Storage.InMemory;

namespace Chorus.Commands.Tests;

/// docs/log-formats.md, "Physical replication": the payload codec, the undo record, and the
/// checks a follower makes before it writes a single byte.
public sealed class PhysicalPayloadTests
{
    private static readonly PhysicalBatch Sample = new(2, 0x0123_4567_89AB_CDEF,
    [
        StorageOp.Put(StorageColumn.Data, [0x80, 0, 0, 0, 1, 2], [1, 0, (byte)'v']),
        StorageOp.Delete(StorageColumn.Expiry, [0x80, 0, 0, 0, 9]),
        new StorageOp(StorageOpKind.DeleteRange, StorageColumn.Elements, [0, 0, 0, 0, 0, 0, 0, 7], [0, 0, 0, 0, 0, 0, 0, 8]),
        StorageOp.Put(StorageColumn.Elements, [0, 0, 0, 0, 0, 0, 0, 9, 1], []),
    ]);

    [Fact]
    public void A_batch_round_trips_byte_for_byte()
    {
        var encoded = PhysicalPayload.Encode(Sample);
        var decoded = PhysicalPayload.Decode(encoded);

        Assert.Equal(Sample.StorageFormatVersion, decoded.StorageFormatVersion);
        Assert.Equal(Sample.BeforeDigest, decoded.BeforeDigest);
        Assert.Equal(Sample.Ops.Count, decoded.Ops.Count);
        for (var i = 0; i < Sample.Ops.Count; i++)
        {
            Assert.Equal(Sample.Ops[i].Kind, decoded.Ops[i].Kind);
            Assert.Equal(Sample.Ops[i].Column, decoded.Ops[i].Column);
            Assert.Equal(Sample.Ops[i].Key, decoded.Ops[i].Key);
            Assert.Equal(Sample.Ops[i].Value, decoded.Ops[i].Value);
        }
        Assert.Equal(encoded, PhysicalPayload.Encode(decoded));
    }

    /// The version sits in a header that never moves, so any build can tell what a stream was written for.
    [Fact]
    public void The_storage_format_version_is_read_from_the_header_alone()
    {
        var encoded = PhysicalPayload.Encode(Sample with { StorageFormatVersion = 300 });

        Assert.Equal(300u, PhysicalPayload.ReadStorageFormatVersion(encoded.AsSpan(0, 3)));
        var refused = Assert.Throws<PhysicalStreamRefusedException>(() => PhysicalStreamCheck.Version(new Lsn(12), encoded, 2));
        Assert.Equal(
            "physical log entry at LSN 12 was written for storage format version 300, but this node's storage format is version 2; " +
            "WAL shipping needs the same storage format on every node: switch the cluster to the logical format for the upgrade " +
            "(CONFIG SET log-format logical on the leader), or re-bootstrap this node (docs/log-formats.md)", refused.Message);
        PhysicalStreamCheck.Version(new Lsn(12), encoded, 300);
    }

    /// A hostile or buggy peer cannot write a node's log, metadata or local records through a physical entry.
    [Theory]
    [InlineData(StorageColumn.Log)]
    [InlineData(StorageColumn.Meta)]
    [InlineData(StorageColumn.Local)]
    public void Writes_outside_the_keyspace_are_refused(StorageColumn column)
    {
        var encoded = PhysicalPayload.Encode(new PhysicalBatch(2, 0, [StorageOp.Put(column, [1], [2])]));

        var error = Assert.Throws<CorruptDataException>(() => PhysicalPayload.Decode(encoded));
        Assert.Contains("only the data, expiry and elements columns", error.Message);
    }

    [Fact]
    public void Bad_bytes_are_refused()
    {
        var encoded = PhysicalPayload.Encode(Sample);

        Assert.Throws<CorruptDataException>(() => PhysicalPayload.Decode([.. encoded, 0]));
        Assert.Throws<CorruptDataException>(() => PhysicalPayload.Decode(encoded.AsSpan(0, encoded.Length - 1)));
        Assert.Throws<CorruptDataException>(() => PhysicalPayload.Decode([9, .. encoded[1..]]));
        var badKind = (byte[])encoded.Clone();
        badKind[1 + 1 + 8 + 1] = 7; // the first write's kind
        Assert.Throws<CorruptDataException>(() => PhysicalPayload.Decode(badKind));
    }

    /// Applying an entry returns the writes that put back what it replaced; applying those restores storage exactly.
    [Fact]
    public void The_undo_record_restores_what_the_entry_replaced()
    {
        var storage = new InMemoryStorageEngine();
        using (var setup = storage.NewBatch())
        {
            setup.Put(StorageColumn.Data, [1], [10]);
            setup.Put(StorageColumn.Elements, [5, 1], [11]);
            setup.Put(StorageColumn.Elements, [5, 2], [12]);
            storage.Write(setup, sync: false);
        }
        var before = Dump(storage);
        var entry = new PhysicalBatch(2, 0,
        [
            StorageOp.Put(StorageColumn.Data, [1], [20]),
            StorageOp.Put(StorageColumn.Data, [2], [21]),
            StorageOp.Put(StorageColumn.Data, [1], [22]),
            new StorageOp(StorageOpKind.DeleteRange, StorageColumn.Elements, [5], [6]),
        ]);

        byte[] undo;
        using (var batch = storage.NewBatch())
        {
            undo = PhysicalApplier.Apply(entry, storage, batch);
            storage.Write(batch, sync: false);
        }
        Assert.Equal([22], storage.Get(StorageColumn.Data, [1]));
        Assert.Null(storage.Get(StorageColumn.Elements, [5, 1]));
        using (var batch = storage.NewBatch())
        {
            PhysicalApplier.Undo(undo, batch);
            storage.Write(batch, sync: false);
        }

        Assert.Equal(before, Dump(storage));
    }

    /// The digest a follower compares covers the catalog: a node whose databases map elsewhere differs even where the key is new to both.
    [Fact]
    public void The_before_digest_sees_another_catalog()
    {
        var leader = new InMemoryStorageEngine();
        var follower = new InMemoryStorageEngine();
        var local = new StagedKeyspace(follower);
        local.FlushDatabase(3);
        using (var batch = follower.NewBatch())
        {
            local.FlushTo(batch, Lsn.Zero);
            follower.Write(batch, sync: false);
        }
        IReadOnlyList<StorageOp> ops = [StorageOp.Put(StorageColumn.Data, [0x80, 0, 0, 0, 1], [1])];

        Assert.Equal(PhysicalApplier.BeforeDigest(leader, ops), PhysicalApplier.BeforeDigest(new InMemoryStorageEngine(), ops));
        Assert.NotEqual(PhysicalApplier.BeforeDigest(leader, ops), PhysicalApplier.BeforeDigest(follower, ops));
        var entry = new PhysicalBatch(2, PhysicalApplier.BeforeDigest(leader, ops), ops);
        var refused = Assert.Throws<PhysicalStreamRefusedException>(() => PhysicalStreamCheck.Layout(new Lsn(4), entry, follower));
        Assert.Contains("does not fit this node's storage layout", refused.Message);
    }

    private static List<string> Dump(IStorageEngine storage)
    {
        var rows = new List<string>();
        foreach (var column in StorageColumns.All)
        {
            using var iterator = storage.NewIterator(column);
            for (iterator.SeekToFirst(); iterator.Valid; iterator.Next())
            {
                rows.Add($"{column}:{Convert.ToHexString(iterator.Key)}={Convert.ToHexString(iterator.Value)}");
            }
        }
        return rows;
    }
}
