using Chorus.Commands.Keyspace;
using Chorus.Storage;

namespace Chorus.Commands.Physical;

/// <summary>A user key a physical entry writes: put (a new or changed key record) or deleted.</summary>
public readonly record struct PhysicalKeyWrite(bool Deleted, byte[] Key);

/// <summary>
/// The user keys a physical entry writes, read from its key-record writes in the data column
/// (<see cref="StoredKey"/>: physical database, hash, key). What people need from a rolled-back
/// physical entry is which keys it touched; the element, expiry-index and catalog writes around
/// them are storage detail. The physical database id is node-local, so no database is named.
/// </summary>
public static class PhysicalKeys
{
    public static IEnumerable<PhysicalKeyWrite> Of(PhysicalBatch batch)
    {
        foreach (var op in batch.Ops)
        {
            if (op.Column == StorageColumn.Data && op.Kind != StorageOpKind.DeleteRange
                && op.Key.Length >= StoredKey.PrefixLength && StoredKey.DbOf(op.Key) < PhysicalDb.ReservedFrom)
            {
                yield return new PhysicalKeyWrite(op.Kind == StorageOpKind.Delete, StoredKey.UserKey(op.Key).ToArray());
            }
        }
    }
}
