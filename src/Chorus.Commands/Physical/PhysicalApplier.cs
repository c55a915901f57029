using System.IO.Hashing;
using Chorus.Commands.Keyspace;
using Chorus.Core;
using Chorus.Storage;

namespace Chorus.Commands.Physical;

/// <summary>
/// Makes and applies physical (WAL shipping) entries. The leader captures what its staged
/// keyspace would write for one client write (<see cref="Capture"/>); every node — the leader
/// included — applies those bytes as they are (<see cref="Apply"/>), keeping the values they
/// replace as the entry's undo record, since a storage write says what is stored now, not what was.
/// </summary>
public static class PhysicalApplier
{
    /// <summary>
    /// Moves everything staged for one write into a physical entry for <paramref name="lsn"/>
    /// (garbage it creates is tagged with that LSN). Garbage collection is not captured: each
    /// node collects its own garbage as its own log is retired.
    /// </summary>
    public static PhysicalBatch Capture(StagedKeyspace keyspace, Lsn lsn, uint storageFormatVersion)
    {
        var recorder = new RecordingBatch();
        keyspace.FlushTo(recorder, lsn, collectGarbage: false);
        return new PhysicalBatch(storageFormatVersion, BeforeDigest(keyspace.Storage, recorder.Ops), recorder.Ops);
    }

    /// <summary>
    /// A digest of what <paramref name="storage"/> holds under the keyspace catalog (the map of
    /// logical to physical databases and the id counters) and under every key
    /// <paramref name="ops"/> write. Equal on the leader and a follower exactly when the follower
    /// holds, there, what the leader held: the check that its physical layout is the leader's.
    /// </summary>
    public static ulong BeforeDigest(IStorageEngine storage, IReadOnlyList<StorageOp> ops)
    {
        var hash = new XxHash64();
        Append(hash, StorageColumn.Data, KeyspaceCatalog.Key, storage.Get(StorageColumn.Data, KeyspaceCatalog.Key));
        foreach (var op in ops)
        {
            if (op.Kind == StorageOpKind.DeleteRange)
            {
                foreach (var (key, value) in ReadRange(storage, op))
                {
                    Append(hash, op.Column, key, value);
                }
                continue;
            }
            Append(hash, op.Column, op.Key, storage.Get(op.Column, op.Key));
        }
        return hash.GetCurrentHashAsUInt64();
    }

    /// <summary>
    /// Adds the entry's writes to <paramref name="batch"/> and returns its undo record: the
    /// writes that put back what storage held before, newest first (a physical payload too).
    /// </summary>
    public static byte[] Apply(PhysicalBatch entry, IStorageEngine storage, IStorageBatch batch)
    {
        var undo = new List<StorageOp>(entry.Ops.Count);
        for (var i = entry.Ops.Count - 1; i >= 0; i--)
        {
            var op = entry.Ops[i];
            if (op.Kind == StorageOpKind.DeleteRange)
            {
                foreach (var (key, value) in ReadRange(storage, op))
                {
                    undo.Add(StorageOp.Put(op.Column, key, value));
                }
                continue;
            }
            undo.Add(storage.Get(op.Column, op.Key) is { } before ? StorageOp.Put(op.Column, op.Key, before) : StorageOp.Delete(op.Column, op.Key));
        }
        foreach (var op in entry.Ops)
        {
            op.WriteTo(batch);
        }
        return PhysicalPayload.Encode(new PhysicalBatch(entry.StorageFormatVersion, 0, undo));
    }

    /// <summary>Adds the writes of an undo record (<see cref="Apply"/>'s result) to <paramref name="batch"/>.</summary>
    public static void Undo(ReadOnlySpan<byte> undoRecord, IStorageBatch batch)
    {
        foreach (var op in PhysicalPayload.Decode(undoRecord).Ops)
        {
            op.WriteTo(batch);
        }
    }

    private static IEnumerable<(byte[] Key, byte[] Value)> ReadRange(IStorageEngine storage, StorageOp range)
    {
        using var iterator = storage.NewIterator(range.Column);
        for (iterator.Seek(range.Key); iterator.Valid && iterator.Key.SequenceCompareTo(range.Value) < 0; iterator.Next())
        {
            yield return (iterator.Key.ToArray(), iterator.Value.ToArray());
        }
    }

    private static void Append(XxHash64 hash, StorageColumn column, ReadOnlySpan<byte> key, byte[]? value)
    {
        Span<byte> header = stackalloc byte[10];
        header[0] = (byte)column;
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(header[1..], key.Length);
        header[5] = value is null ? (byte)0 : (byte)1;
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(header[6..], value?.Length ?? 0);
        hash.Append(header[..5]);
        hash.Append(key);
        hash.Append(header[5..]);
        if (value is not null)
        {
            hash.Append(value);
        }
    }
}
