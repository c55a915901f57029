using System.Buffers;
using System.IO.Hashing;
using Chorus.Commands.Values;
using Chorus.Core.Encoding;
using Chorus.Storage;

namespace Chorus.Commands.Keyspace;

/// <summary>
/// A digest of the logical keyspace: for each database 0–15 in order, every key in hash order with
/// its type, expiry and value — a string's bytes, a collection's elements in storage order (a list's
/// in list order, a sorted set's members with their scores). Collection ids, physical databases,
/// list heads, garbage and counters are left out, so two replicas with the same data have the same
/// digest however they got there (applying, rolling back, loading a snapshot, migrating).
/// </summary>
public static class KeyspaceDigest
{
    public readonly record struct Result(string Digest, long Keys);

    public static Result Compute(IStorageEngine storage)
    {
        var hash = new XxHash128();
        var canonical = new ArrayBufferWriter<byte>(256);
        long keys = 0;
        var catalog = KeyspaceCatalog.Read(storage);
        using var iterator = storage.NewIterator(StorageColumn.Data);
        for (var db = 0; db < PhysicalDb.LogicalCount; db++)
        {
            var physical = catalog.Physical(db);
            var end = PhysicalDb.End(physical);
            for (iterator.Seek(PhysicalDb.Start(physical)); iterator.Valid && iterator.Key.SequenceCompareTo(end) < 0; iterator.Next())
            {
                if (KeyRecord.IsTombstoneRecord(iterator.Value))
                {
                    continue; // a deleted key kept for its versions (multi-leader) is no data
                }
                canonical.Clear();
                WriteCanonical(storage, canonical, db, StoredKey.UserKey(iterator.Key), iterator.Value);
                hash.Append(canonical.WrittenSpan);
                keys++;
            }
        }
        AppendFunctions(iterator, hash, canonical);
        return new Result(Convert.ToHexStringLower(hash.GetCurrentHash()), keys);
    }

    /// <summary>
    /// The function libraries' records (FUNCTION LOAD), after the databases and marked 0xFF, so
    /// replicas that lack a library differ; a keyspace without libraries digests as before. Not
    /// counted as keys (DBSIZE does not count them either).
    /// </summary>
    private static void AppendFunctions(IStorageIterator iterator, XxHash128 hash, ArrayBufferWriter<byte> canonical)
    {
        var end = PhysicalDb.End(PhysicalDb.Functions);
        for (iterator.Seek(PhysicalDb.Start(PhysicalDb.Functions)); iterator.Valid && iterator.Key.SequenceCompareTo(end) < 0; iterator.Next())
        {
            canonical.Clear();
            var writer = new ByteWriter(canonical);
            writer.WriteByte(0xFF);
            writer.WriteLengthPrefixed(StoredKey.UserKey(iterator.Key));
            writer.WriteLengthPrefixed(KeyRecord.Parse(iterator.Value).Payload);
            hash.Append(canonical.WrittenSpan);
        }
    }

    private static void WriteCanonical(IStorageEngine storage, ArrayBufferWriter<byte> output, int db, ReadOnlySpan<byte> key, ReadOnlySpan<byte> encoded)
    {
        var writer = new ByteWriter(output);
        var record = KeyRecord.Parse(encoded);
        writer.WriteByte((byte)db);
        writer.WriteLengthPrefixed(key);
        writer.WriteByte((byte)record.Type);
        writer.WriteVarUInt((ulong)record.ExpiresAtMs);
        writer.WriteLengthPrefixed(record.VersionBlock);
        if (!record.IsCollection)
        {
            writer.WriteLengthPrefixed(record.Payload);
            return;
        }
        writer.WriteVarUInt((ulong)record.Count);
        writer.WriteRaw(record.StreamTail); // a stream's last id, entries added, max deleted id
        using var elements = new StorageElementCursor(storage, record.CollectionId);
        for (elements.SeekToFirst(); elements.Valid; elements.Next())
        {
            // A list's storage indices are the node's own: only the order of its elements counts.
            if (record.Type != DataType.List)
            {
                writer.WriteLengthPrefixed(elements.SubKey);
            }
            writer.WriteLengthPrefixed(elements.Value);
        }
    }
}
