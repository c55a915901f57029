using System.Buffers.Binary;
using Chorus.Commands.Execution;
using Chorus.Commands.Logical;
using Chorus.Commands.Values;
using Chorus.Storage;

namespace Chorus.Commands.Keyspace;

/// <summary>
/// The leader's active expiry: finds keys whose time has passed through the expiry index of each
/// mapped database and deletes them as ordinary log entries, so followers never expire keys on
/// their own and never diverge because their clocks differ.
/// </summary>
public static class KeyExpiry
{
    /// <summary>
    /// Keys due at <paramref name="nowMs"/> (Redis: expired once now &gt; expiry), at most
    /// <paramref name="limit"/>, each as its physical database (4 bytes) followed by the key.
    /// </summary>
    public static List<byte[]> DueKeys(IStorageEngine storage, long nowMs, int limit)
    {
        var due = new List<byte[]>();
        var catalog = KeyspaceCatalog.Read(storage);
        using var iterator = storage.NewIterator(StorageColumn.Expiry);
        foreach (var physical in catalog.Databases)
        {
            for (iterator.Seek(PhysicalDb.Start(physical)); iterator.Valid && due.Count < limit; iterator.Next())
            {
                if (ExpiryIndexKey.DbOf(iterator.Key) != physical || ExpiryIndexKey.ExpiresAtMs(iterator.Key) >= nowMs)
                {
                    break;
                }
                due.Add([.. iterator.Key[..PhysicalDb.Length], .. ExpiryIndexKey.UserKey(iterator.Key)]);
            }
        }
        return due;
    }

    /// <summary>
    /// Deletes a key <see cref="DueKeys"/> found if it is still expired: it may have been rewritten
    /// since, or its database flushed or swapped (the deletion names the database it is in now).
    /// </summary>
    public static void ExpireIfDue(WriteContext context, byte[] dueKey)
    {
        var physical = BinaryPrimitives.ReadUInt32BigEndian(dueKey);
        var db = context.Keyspace.Logical(physical);
        if (db < 0)
        {
            return;
        }
        var key = dueKey.AsSpan(PhysicalDb.Length);
        var record = context.Keyspace.Get(physical, key);
        if (record is not null && KeyRecord.Parse(record).IsExpiredAt(context.NowMs))
        {
            context.Delete(db, key, DeleteReason.Expired);
        }
    }
}
