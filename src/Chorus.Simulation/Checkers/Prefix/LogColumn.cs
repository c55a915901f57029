using System.Buffers.Binary;
using Chorus.Core;
using Chorus.Core.Log;
using Chorus.Storage;

namespace Chorus.Simulation.Checkers.Prefix;

/// <summary>Reads a node's replication log straight from its storage (big-endian LSN → encoded entry).</summary>
internal static class LogColumn
{
    public static byte[] Key(Lsn lsn)
    {
        var key = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(key, lsn.Value);
        return key;
    }

    public static LogEntry? At(IStorageEngine storage, Lsn lsn) =>
        storage.Get(StorageColumn.Log, Key(lsn)) is { } encoded ? LogEntryCodec.Decode(encoded) : null;

    /// <summary>The first LSN in the log, or zero if it is empty.</summary>
    public static Lsn First(IStorageEngine storage)
    {
        using var iterator = storage.NewIterator(StorageColumn.Log);
        iterator.SeekToFirst();
        return iterator.Valid ? new Lsn(BinaryPrimitives.ReadUInt64BigEndian(iterator.Key)) : Lsn.Zero;
    }

    /// <summary>The contiguous entries from <paramref name="from"/> to the end of the log.</summary>
    public static IEnumerable<LogEntry> From(IStorageEngine storage, Lsn from)
    {
        using var iterator = storage.NewIterator(StorageColumn.Log);
        var expected = from;
        for (iterator.Seek(Key(from)); iterator.Valid; iterator.Next())
        {
            var lsn = new Lsn(BinaryPrimitives.ReadUInt64BigEndian(iterator.Key));
            if (lsn != expected)
            {
                yield break;
            }
            yield return LogEntryCodec.Decode(iterator.Value.ToArray());
            expected = lsn.Next;
        }
    }
}
