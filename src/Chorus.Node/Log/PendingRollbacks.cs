using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using Chorus.Core;
using Chorus.Core.Encoding;
using Chorus.Core.Log;
using Chorus.Storage;

namespace Chorus.Node;

/// <summary>
/// Discarded entries waiting to be written to a rollback file. A truncation saves them in the
/// meta column family in the same atomic batch that deletes them from the log, so they are never
/// in neither place: if the rollback file cannot be written (disk full, permissions, a bug), they
/// wait here — across restarts — and the node retries, instead of dying on every restart with
/// an empty rollback file (issue 17, finding 1).
/// <code>
/// key   := "rollback-pending/" | u64be unix ms | u64be kept-through LSN | u64be LSN (0: the header)
/// value := header: len+utf8 node | varint epoch | varint entry count; entry: its encoded bytes
/// </code>
/// </summary>
internal static class PendingRollbacks
{
    private static readonly byte[] Prefix = MetaKeys.PendingRollbackPrefix;
    private static readonly int GroupLength = Prefix.Length + 16;
    private static readonly int KeyLength = GroupLength + 8;

    /// <summary>Adds <paramref name="record"/> to <paramref name="batch"/>.</summary>
    public static void Stage(IStorageBatch batch, RollbackRecord record)
    {
        var output = new ArrayBufferWriter<byte>(64);
        var writer = new ByteWriter(output);
        writer.WriteLengthPrefixed(Encoding.UTF8.GetBytes(record.Node.Value));
        writer.WriteVarUInt(record.EpochAtRollback.Value);
        writer.WriteVarUInt((ulong)record.Entries.Count);
        batch.Put(StorageColumn.Meta, Key(record.AtMs, record.KeepThrough, Lsn.Zero), output.WrittenSpan);
        foreach (var entry in record.Entries)
        {
            batch.Put(StorageColumn.Meta, Key(record.AtMs, record.KeepThrough, entry.Lsn), entry.Encoded.Span);
        }
    }

    /// <summary>Every rollback waiting for its file, oldest first.</summary>
    public static List<RollbackRecord> ReadAll(IStorageEngine storage) => [.. Headers(storage).Select(header => Read(storage, header))];

    /// <summary>Forgets every waiting rollback (adds the deletion to <paramref name="batch"/>).</summary>
    public static void DeleteAll(IStorageBatch batch)
    {
        var end = Prefix.ToArray();
        end[^1]++;
        batch.DeleteRange(StorageColumn.Meta, Prefix, end);
    }

    /// <summary>How many rollbacks are waiting for their file.</summary>
    public static int Count(IStorageEngine storage) => Headers(storage).Count;

    /// <summary>
    /// Hands every waiting rollback to <paramref name="sink"/>, oldest first, and forgets each one
    /// the sink took. Returns the first failure (the rest wait for the next try), or null.
    /// </summary>
    public static Exception? Export(IStorageEngine storage, IRollbackSink sink)
    {
        foreach (var group in Headers(storage))
        {
            var record = Read(storage, group);
            try
            {
                sink.Write(record);
            }
            catch (Exception e) when (e is not InvariantViolationException)
            {
                return e;
            }
            using var batch = storage.NewBatch();
            var from = group.ToArray();
            var to = group.ToArray();
            to.AsSpan(GroupLength).Fill(0xFF);
            batch.DeleteRange(StorageColumn.Meta, from, to);
            batch.Delete(StorageColumn.Meta, to);
            storage.Write(batch, sync: true);
        }
        return null;
    }

    /// <summary>The header keys of the waiting rollbacks, in order.</summary>
    private static List<byte[]> Headers(IStorageEngine storage)
    {
        var headers = new List<byte[]>();
        using var iterator = storage.NewIterator(StorageColumn.Meta);
        for (iterator.Seek(Prefix); iterator.Valid && iterator.Key.StartsWith(Prefix); iterator.Next())
        {
            if (iterator.Key.Length == KeyLength && BinaryPrimitives.ReadUInt64BigEndian(iterator.Key[^8..]) == 0)
            {
                headers.Add(iterator.Key.ToArray());
            }
        }
        return headers;
    }

    private static RollbackRecord Read(IStorageEngine storage, byte[] headerKey)
    {
        var header = storage.Get(StorageColumn.Meta, headerKey)!;
        var reader = new ByteReader(header);
        var node = new NodeId(Encoding.UTF8.GetString(reader.ReadLengthPrefixed()));
        var epoch = reader.ReadEpoch();
        var count = (int)reader.ReadVarUInt();
        var entries = new List<LogEntry>(count);
        using var iterator = storage.NewIterator(StorageColumn.Meta);
        for (iterator.Seek(headerKey), iterator.Next(); iterator.Valid && iterator.Key.StartsWith(headerKey.AsSpan(0, GroupLength)); iterator.Next())
        {
            entries.Add(LogEntryCodec.Decode(iterator.Value.ToArray()));
        }
        Invariant.That(entries.Count == count, $"a pending rollback holds the {count} entries it was saved with, not {entries.Count}");
        var atMs = (long)BinaryPrimitives.ReadUInt64BigEndian(headerKey.AsSpan(Prefix.Length));
        var keepThrough = new Lsn(BinaryPrimitives.ReadUInt64BigEndian(headerKey.AsSpan(Prefix.Length + 8)));
        return new RollbackRecord(node, epoch, keepThrough, atMs, entries);
    }

    private static byte[] Key(long atMs, Lsn keepThrough, Lsn lsn)
    {
        var key = new byte[KeyLength];
        Prefix.CopyTo(key, 0);
        BinaryPrimitives.WriteUInt64BigEndian(key.AsSpan(Prefix.Length), (ulong)atMs);
        BinaryPrimitives.WriteUInt64BigEndian(key.AsSpan(Prefix.Length + 8), keepThrough.Value);
        BinaryPrimitives.WriteUInt64BigEndian(key.AsSpan(Prefix.Length + 16), lsn.Value);
        return key;
    }
}
