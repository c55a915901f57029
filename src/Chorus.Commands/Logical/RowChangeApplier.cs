using Chorus.Commands.Keyspace;
using Chorus.Commands.Values;
using Chorus.Core;

namespace Chorus.Commands.Logical;

/// <summary>
/// Applies row changes to a keyspace, and undoes them. The leader stages its own changes through
/// <see cref="Apply"/> too, so leader and followers derive every stored byte with the same code.
/// Changes name logical databases; the keyspace's catalog says where each one is stored now.
/// </summary>
public static class RowChangeApplier
{
    public static void Apply(RowChange change, StagedKeyspace keyspace)
    {
        switch (change)
        {
            case PutChange put:
                var putDb = keyspace.Physical(put.Db);
                keyspace.Put(putDb, put.Key, put.After, StoredBefore(keyspace, putDb, put));
                break;
            case DeleteChange delete:
                var physical = keyspace.Physical(delete.Db);
                keyspace.Delete(physical, delete.Key, Existing(keyspace, physical, delete.Key));
                break;
            case ExpireChange expire:
                SetExpiry(keyspace, expire.Db, expire.Key, expire.ExpiresAtMs);
                break;
            case PatchChange patch:
                StringPatch.Apply(keyspace, patch);
                break;
            case ElementsChange elements:
                CollectionApplier.Apply(keyspace, elements);
                break;
            case RenameChange rename:
                KeyMoves.Rename(keyspace, rename);
                break;
            case CopyChange copy:
                KeyMoves.Copy(keyspace, copy);
                break;
            case VersionBlockChange block:
                SetVersionBlock(keyspace, block.Db, block.Key, block.Block);
                break;
            case FlushDbChange flush:
                keyspace.FlushDatabase(flush.Db);
                break;
            case FlushAllChange:
                for (var db = 0; db < PhysicalDb.LogicalCount; db++)
                {
                    keyspace.FlushDatabase(db);
                }
                break;
            case SwapDbChange swap:
                keyspace.SwapDatabases(swap.Db, swap.OtherDb);
                break;
            case FunctionRecordChange function:
                SetFunctionRecord(keyspace, function.Key, function.After, function.Before);
                break;
            default:
                throw new ArgumentException($"unknown change {change.GetType().Name}", nameof(change));
        }
    }

    /// <summary>Restores what <paramref name="change"/> replaced. Undo a payload's changes in reverse order.</summary>
    public static void Undo(RowChange change, StagedKeyspace keyspace)
    {
        var undoing = keyspace.Undoing;
        keyspace.Undoing = true;
        try
        {
            UndoOne(change, keyspace);
        }
        finally
        {
            keyspace.Undoing = undoing;
        }
    }

    private static void UndoOne(RowChange change, StagedKeyspace keyspace)
    {
        switch (change)
        {
            case PutChange put:
                Restore(keyspace, keyspace.Physical(put.Db), put.Key, put.Before);
                break;
            case DeleteChange delete:
                Restore(keyspace, keyspace.Physical(delete.Db), delete.Key, delete.Before);
                break;
            case ExpireChange expire:
                SetExpiry(keyspace, expire.Db, expire.Key, expire.PreviousExpiresAtMs);
                break;
            case PatchChange patch:
                StringPatch.Undo(keyspace, patch);
                break;
            case ElementsChange elements:
                CollectionApplier.Undo(keyspace, elements);
                break;
            case RenameChange rename:
                KeyMoves.UndoRename(keyspace, rename);
                break;
            case CopyChange copy:
                KeyMoves.UndoCopy(keyspace, copy);
                break;
            case VersionBlockChange block:
                SetVersionBlock(keyspace, block.Db, block.Key, block.Previous);
                break;
            case FlushDbChange flush:
                keyspace.UnflushDatabase(flush.Db);
                break;
            case FlushAllChange:
                for (var db = PhysicalDb.LogicalCount - 1; db >= 0; db--)
                {
                    keyspace.UnflushDatabase(db);
                }
                break;
            case SwapDbChange swap:
                keyspace.SwapDatabases(swap.Db, swap.OtherDb);
                break;
            case FunctionRecordChange function:
                SetFunctionRecord(keyspace, function.Key, function.Before, function.After);
                break;
            default:
                throw new ArgumentException($"unknown change {change.GetType().Name}", nameof(change));
        }
    }

    /// <summary>A function-library record (always a string record: it holds no collection) becomes <paramref name="record"/>.</summary>
    private static void SetFunctionRecord(StagedKeyspace keyspace, byte[] key, byte[]? record, byte[]? storedNow)
    {
        if (record is null)
        {
            keyspace.Delete(PhysicalDb.Functions, key, storedNow);
        }
        else
        {
            keyspace.Put(PhysicalDb.Functions, key, record, storedNow);
        }
    }

    /// <summary>The key now holds <paramref name="record"/> (a string's record is its image).</summary>
    internal static void Store(StagedKeyspace keyspace, uint physical, byte[] key, byte[] record) =>
        keyspace.Put(physical, key, record, keyspace.Get(physical, key));

    /// <summary>
    /// What the key holds before <paramref name="put"/>, read from storage only when the change
    /// cannot say: a string's before-image is its stored record byte for byte
    /// (<see cref="Records.ImageOf"/>), and a replica holds a prefix of the leader's history, so
    /// it holds exactly that. A collection's image leaves out its collection id, and not every
    /// writer puts "nothing" for a key that holds nothing (a site's tombstone), so those are read.
    /// A follower catching up skipped one storage read per SET this way (a quarter of its loop).
    /// </summary>
    private static byte[]? StoredBefore(StagedKeyspace keyspace, uint physical, PutChange put) =>
        put.Before is { } before && !KeyRecord.ParseImage(before).IsCollection ? before : keyspace.Get(physical, put.Key);

    /// <summary>
    /// Puts back what a change replaced: nothing (delete), a string (its image is its record), or a
    /// collection — revived from the garbage, with the elements it never lost.
    /// </summary>
    internal static void Restore(StagedKeyspace keyspace, uint physical, byte[] key, byte[]? image)
    {
        var current = keyspace.Get(physical, key);
        if (image is null)
        {
            keyspace.Delete(physical, key, current);
            return;
        }
        var before = KeyRecord.ParseImage(image);
        if (!before.IsCollection)
        {
            keyspace.Put(physical, key, image, current);
            return;
        }
        var revived = keyspace.ReviveCollection(physical, key);
        var record = KeyRecord.Parse(revived);
        Invariant.That(record.Type == before.Type && record.Count == before.Count, "a revived collection is the one the change removed");
        keyspace.Put(physical, key, revived, current);
    }

    /// <summary>The current record of a key a change says exists.</summary>
    internal static byte[] Existing(StagedKeyspace keyspace, uint physical, byte[] key)
    {
        var current = keyspace.Get(physical, key);
        Invariant.That(current is not null, "a change to an existing key finds the key (the replica is a prefix of the leader)");
        return current;
    }

    private static void SetVersionBlock(StagedKeyspace keyspace, int db, byte[] key, byte[] block)
    {
        var physical = keyspace.Physical(db);
        var current = Existing(keyspace, physical, key);
        keyspace.Put(physical, key, Records.WithVersionBlock(current, block), current);
    }

    private static void SetExpiry(StagedKeyspace keyspace, int db, byte[] key, long expiresAtMs)
    {
        var physical = keyspace.Physical(db);
        var current = Existing(keyspace, physical, key);
        keyspace.Put(physical, key, Records.WithExpiry(current, expiresAtMs), current);
    }
}
