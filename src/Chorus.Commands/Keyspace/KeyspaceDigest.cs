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
        return new Result(Convert.ToHexStringLower(hash.GetCurrentHash()), keys);
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
