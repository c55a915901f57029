using Chorus.Commands.Keyspace;
using Chorus.Commands.Values;

namespace Chorus.Commands.Logical;

/// <summary>
/// RENAME and MOVE (a record moves, and with it a collection's id: no element is touched) and COPY
/// (each node copies a collection's elements under a new id of its own).
/// </summary>
internal static class KeyMoves
{
    public static void Rename(StagedKeyspace keyspace, RenameChange rename)
    {
        var source = keyspace.Physical(rename.Db);
        var target = keyspace.Physical(rename.TargetDb);
        var record = RowChangeApplier.Existing(keyspace, source, rename.Key);
        keyspace.Delete(source, rename.Key, record);
        keyspace.Put(target, rename.Target, record, keyspace.Get(target, rename.Target));
    }

    public static void UndoRename(StagedKeyspace keyspace, RenameChange rename)
    {
        var source = keyspace.Physical(rename.Db);
        var target = keyspace.Physical(rename.TargetDb);
        var record = RowChangeApplier.Existing(keyspace, target, rename.Target);
        RowChangeApplier.Restore(keyspace, target, rename.Target, rename.TargetBefore);
        keyspace.Put(source, rename.Key, record, keyspace.Get(source, rename.Key));
    }

    public static void Copy(StagedKeyspace keyspace, CopyChange copy)
    {
        var source = RowChangeApplier.Existing(keyspace, keyspace.Physical(copy.Db), copy.Key);
        var target = keyspace.Physical(copy.TargetDb);
        var record = KeyRecord.Parse(source);
        var copied = record.IsCollection ? CopyCollection(keyspace, source, record.CollectionId) : source;
        keyspace.Put(target, copy.Target, copied, keyspace.Get(target, copy.Target));
    }

    /// <summary>Removing the copy while undoing drops its elements at once; the target's old value comes back.</summary>
    public static void UndoCopy(StagedKeyspace keyspace, CopyChange copy)
    {
        var target = keyspace.Physical(copy.TargetDb);
        RowChangeApplier.Existing(keyspace, target, copy.Target);
        RowChangeApplier.Restore(keyspace, target, copy.Target, copy.TargetBefore);
    }

    private static byte[] CopyCollection(StagedKeyspace keyspace, byte[] source, ulong sourceId)
    {
        var record = KeyRecord.Parse(source);
        var id = keyspace.NewCollectionId();
        using var elements = keyspace.OpenElements(sourceId);
        var key = new byte[64];
        for (elements.SeekToFirst(); elements.Valid; elements.Next())
        {
            var length = ElementKey.IdLength + elements.SubKey.Length;
            if (key.Length < length)
            {
                key = new byte[length * 2];
            }
            System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(key, id);
            elements.SubKey.CopyTo(key.AsSpan(ElementKey.IdLength));
            keyspace.SetElement(key.AsSpan(0, length), elements.Value.ToArray());
        }
        return Records.FromImage(Records.ImageOf(source), record.Count, id, record.Head);
    }
}
