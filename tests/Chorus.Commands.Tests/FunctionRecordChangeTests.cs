using Chorus.Commands.Keyspace;
using Chorus.Commands.Logical;
using Chorus.Commands.Values;
using Chorus.Core;
using Chorus.Storage;
using Chorus.Storage.InMemory;

namespace Chorus.Commands.Tests;

/// <summary>
/// Redis Functions' libraries are records of the database (docs/storage-layout.md, "Function
/// libraries"): their row change (op 16) round-trips through the logical payload, is applied and
/// undone like any change, never shows in a logical database, and changes the digest, so a
/// replica that lacks a library is seen to differ.
/// </summary>
public sealed class FunctionRecordChangeTests
{
    [Fact]
    public void A_function_record_change_round_trips_applies_and_undoes_outside_every_database()
    {
        using var storage = new InMemoryStorageEngine();
        var empty = KeyspaceDigest.Compute(storage);
        byte[] key = [(byte)'L', .. "lib"u8];
        var first = new FunctionRecordChange(key, Records.String("v1"u8, 0), null);
        var second = new FunctionRecordChange(key, Records.String("v2"u8, 0), first.After);
        var payload = LogicalPayload.Encode([first, second]);
        Assert.Equal(payload, LogicalPayload.Encode(LogicalPayload.Decode(payload)));
        Assert.Equal(LogicalPayload.EncodedLength(first) + LogicalPayload.EncodedLength(second) + 2, payload.Length);

        var keyspace = new StagedKeyspace(storage);
        foreach (var change in LogicalPayload.Decode(payload))
        {
            RowChangeApplier.Apply(change, keyspace);
        }
        Flush(keyspace, storage, 1);
        Assert.Equal("v2"u8.ToArray(), KeyRecord.Parse(storage.Get(StorageColumn.Data, StoredKey.Create(PhysicalDb.Functions, key))!).Payload.ToArray());
        var loaded = KeyspaceDigest.Compute(storage);
        Assert.NotEqual(empty.Digest, loaded.Digest);
        Assert.Equal(0, loaded.Keys); // not a key of any database (DBSIZE, SCAN, FLUSHALL never see it)

        var decoded = LogicalPayload.Decode(payload);
        for (var i = decoded.Count - 1; i >= 0; i--)
        {
            RowChangeApplier.Undo(decoded[i], keyspace);
        }
        Flush(keyspace, storage, 2);
        Assert.Null(storage.Get(StorageColumn.Data, StoredKey.Create(PhysicalDb.Functions, key)));
        Assert.Equal(empty.Digest, KeyspaceDigest.Compute(storage).Digest);
    }

    private static void Flush(StagedKeyspace keyspace, IStorageEngine storage, ulong lsn)
    {
        using var batch = storage.NewBatch();
        keyspace.FlushTo(batch, new Lsn(lsn));
        storage.Write(batch, sync: false);
    }
}
