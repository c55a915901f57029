using Chorus.Commands.Keyspace;
using Chorus.Commands.Values;
using Chorus.Replication;
using Chorus.Storage;

namespace Chorus.Node;

/// <summary>
/// Carries out a core's key and local-record effects against the node's storage: point reads and
/// hash-range scans of versioned records (the data column, database 0), and reads and writes of node-local
/// records (the local column). Records without a version block are not versions: they are skipped
/// by scans and read as absent.
/// </summary>
internal sealed class KeyStore(IStorageEngine storage, DurabilityPolicy durability)
{
    public IReadOnlyList<StoredKeyVersions?> Read(KeyReadRequest request)
    {
        var db = VersionedDb();
        var found = new StoredKeyVersions?[request.Keys.Count];
        for (var i = 0; i < found.Length; i++)
        {
            var key = request.Keys[i];
            var record = storage.Get(StorageColumn.Data, StoredKey.Create(db, key));
            found[i] = record is not null && VersionedRecord.Read(record) is { } versions
                ? new StoredKeyVersions(key, versions.Block, versions.Body)
                : null;
        }
        return found;
    }

    /// <summary>
    /// Versioned records in the request's hash range of database 0, resuming after its storage
    /// key; whether the range is exhausted. Within one physical database, a hash range is one
    /// contiguous run of records (docs/storage-layout.md, "Key records").
    /// </summary>
    public (List<StoredKeyVersions> Records, bool Complete) ReadRange(RangeReadRequest request)
    {
        var db = VersionedDb();
        var records = new List<StoredKeyVersions>();
        long bytes = 0;
        using var iterator = storage.NewIterator(StorageColumn.Data);
        if (request.After is { } after)
        {
            iterator.Seek(after);
            if (iterator.Valid && iterator.Key.SequenceEqual(after))
            {
                iterator.Next();
            }
        }
        else
        {
            iterator.Seek(StoredKey.SeekTarget(db, request.HashStart));
        }
        for (; iterator.Valid; iterator.Next())
        {
            var storedKey = iterator.Key;
            if (storedKey.Length < StoredKey.PrefixLength || StoredKey.DbOf(storedKey) != db || StoredKey.HashOf(storedKey) >= request.HashEnd)
            {
                return (records, true);
            }
            if (records.Count >= request.RecordsMax || (records.Count > 0 && bytes >= request.BytesMax))
            {
                return (records, false);
            }
            if (VersionedRecord.Read(iterator.Value) is { } versions)
            {
                records.Add(new StoredKeyVersions(StoredKey.UserKey(storedKey).ToArray(), versions.Block, versions.Body) { StorageKey = storedKey.ToArray() });
                bytes += storedKey.Length + iterator.Value.Length;
            }
        }
        return (records, true);
    }

    /// <summary>The physical database of logical database 0, where a leaderless node keeps its versions.</summary>
    private uint VersionedDb() => KeyspaceCatalog.ReadPhysical(storage, 0);

    public List<LocalRecord> ReadLocal(LocalReadRequest request)
    {
        var records = new List<LocalRecord>();
        using var iterator = storage.NewIterator(StorageColumn.Local);
        iterator.Seek(request.After ?? request.Prefix);
        if (request.After is { } after && iterator.Valid && iterator.Key.SequenceEqual(after))
        {
            iterator.Next();
        }
        for (; iterator.Valid && records.Count < request.RecordsMax && iterator.Key.StartsWith(request.Prefix); iterator.Next())
        {
            records.Add(new LocalRecord(iterator.Key.ToArray(), iterator.Value.ToArray()));
        }
        return records;
    }

    /// <summary>Stores node-local records in one batch, synced when the fsync policy is "always".</summary>
    public void WriteLocal(IReadOnlyList<LocalWrite> writes)
    {
        using var batch = storage.NewBatch();
        foreach (var write in writes)
        {
            if (write.Value is null)
            {
                batch.Delete(StorageColumn.Local, write.Key);
            }
            else
            {
                batch.Put(StorageColumn.Local, write.Key, write.Value);
            }
        }
        storage.Write(batch, sync: durability == DurabilityPolicy.Always);
    }
}
