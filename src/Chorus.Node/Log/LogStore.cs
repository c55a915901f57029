using System.Buffers.Binary;
using Chorus.Core;
using Chorus.Core.Log;
using Chorus.Replication.Log;
using Chorus.Storage;

namespace Chorus.Node;

/// <summary>The replication log in the log column family: big-endian LSN → encoded entry.</summary>
internal sealed class LogStore(IStorageEngine storage)
{
    public static byte[] Key(Lsn lsn)
    {
        var key = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(key, lsn.Value);
        return key;
    }

    public static void Append(IStorageBatch batch, LogEntry entry)
    {
        Span<byte> key = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(key, entry.Lsn.Value);
        batch.Put(StorageColumn.Log, key, entry.Encoded.Span);
    }

    public static void DeleteThrough(IStorageBatch batch, Lsn through) =>
        batch.DeleteRange(StorageColumn.Log, Key(Lsn.Zero), Key(through.Next));

    public static void DeleteAfter(IStorageBatch batch, Lsn keepThrough) =>
        batch.DeleteRange(StorageColumn.Log, Key(keepThrough.Next), Key(new Lsn(ulong.MaxValue)));

    /// <summary>
    /// The log's first entry, size and age, and the data's size, for the retention policy. The size is estimated from
    /// the entries at both ends: RocksDB's own size estimates lag behind range deletions, which
    /// would make retention overshoot.
    /// </summary>
    public LogStats Stats(Lsn last)
    {
        using var iterator = storage.NewIterator(StorageColumn.Log);
        iterator.SeekToFirst();
        if (!iterator.Valid)
        {
            return new LogStats(Lsn.Zero, last, 0, 0);
        }
        // Runs every few seconds on the node's loop: the first entry may be a 62 MiB write, so only its header is read.
        var (first, firstAt) = LogEntryCodec.DecodeHeader(iterator.Value);
        var firstBytes = iterator.Value.Length;
        iterator.SeekToLast();
        var averageBytes = (firstBytes + iterator.Value.Length) / 2 + KeyOverheadBytes;
        var count = (long)last.DistanceFrom(first.Lsn.Previous);
        var dataBytes = storage.ApproximateSize(StorageColumn.Data) + storage.ApproximateSize(StorageColumn.Elements);
        return new LogStats(first.Lsn, last, count * averageBytes, firstAt.PhysicalMs, dataBytes);
    }

    /// <summary>The LSN key and per-record overhead, roughly.</summary>
    private const int KeyOverheadBytes = 16;

    /// <summary>The first LSN stored (the front of the retained log), or zero when the log is empty.</summary>
    public Lsn FirstLsn()
    {
        using var iterator = storage.NewIterator(StorageColumn.Log);
        iterator.SeekToFirst();
        return iterator.Valid ? new Lsn(BinaryPrimitives.ReadUInt64BigEndian(iterator.Key)) : Lsn.Zero;
    }

    /// <summary>The last LSN stored, or zero.</summary>
    public Lsn LastLsn()
    {
        using var iterator = storage.NewIterator(StorageColumn.Log);
        iterator.SeekToLast();
        return iterator.Valid ? new Lsn(BinaryPrimitives.ReadUInt64BigEndian(iterator.Key)) : Lsn.Zero;
    }

    /// <summary>Entries from <paramref name="from"/> down to the first stored one, newest first.</summary>
    public IEnumerable<LogEntry> ReadBackwards(Lsn from)
    {
        using var iterator = storage.NewIterator(StorageColumn.Log);
        for (iterator.SeekForPrev(Key(from)); iterator.Valid; iterator.Prev())
        {
            yield return LogEntryCodec.Decode(iterator.Value.ToArray());
        }
    }

    /// <summary>Entries from <paramref name="from"/> on, up to about <paramref name="bytesMax"/> (at least one if any).</summary>
    public List<LogEntry> Read(Lsn from, long bytesMax, Lsn toInclusive = default)
    {
        var entries = new List<LogEntry>();
        using var iterator = storage.NewIterator(StorageColumn.Log);
        long bytes = 0;
        var expected = from;
        for (iterator.Seek(Key(from)); iterator.Valid; iterator.Next())
        {
            var lsn = new Lsn(BinaryPrimitives.ReadUInt64BigEndian(iterator.Key));
            if (lsn != expected || (toInclusive != default && lsn > toInclusive))
            {
                break;
            }
            if (entries.Count > 0 && bytes + iterator.Value.Length > bytesMax)
            {
                break;
            }
            entries.Add(LogEntryCodec.Decode(iterator.Value.ToArray()));
            bytes += iterator.Value.Length;
            expected = lsn.Next;
        }
        return entries;
    }
}
