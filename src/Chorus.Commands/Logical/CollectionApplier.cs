using Chorus.Commands.Keyspace;
using Chorus.Commands.Values;
using Chorus.Core;

namespace Chorus.Commands.Logical;

/// <summary>
/// Applies and undoes element changes (hash, set, sorted set, list). A change whose "before" is
/// absent creates the collection under a fresh local id; one that removes the last element removes
/// the record (its elements are already gone, so nothing becomes garbage). Undo walks the change's
/// items newest first and recreates an emptied collection from its "before" image.
/// </summary>
internal static class CollectionApplier
{
    public static void Apply(StagedKeyspace keyspace, ElementsChange change)
    {
        if (change is StreamChange stream)
        {
            StreamItems.Apply(keyspace, stream);
            return;
        }
        var physical = keyspace.Physical(change.Db);
        var current = keyspace.Get(physical, change.Key);
        var state = change.Before is null ? Create(keyspace, current, TypeOf(change), null) : Open(current, TypeOf(change));
        ApplyItems(keyspace, change, ref state, undo: false);
        Store(keyspace, physical, change.Key, current, state);
    }

    public static void Undo(StagedKeyspace keyspace, ElementsChange change)
    {
        if (change is StreamChange stream)
        {
            StreamItems.Undo(keyspace, stream);
            return;
        }
        var physical = keyspace.Physical(change.Db);
        var current = keyspace.Get(physical, change.Key);
        var state = current is null ? Create(keyspace, current, TypeOf(change), change.Before) : Open(current, TypeOf(change));
        ApplyItems(keyspace, change, ref state, undo: true);
        Invariant.That(change.Before is not null || state.Count == 0, "undoing the change that created a collection empties it");
        Store(keyspace, physical, change.Key, current, state);
    }

    /// <summary>A collection's record while its change is applied: what the items update.</summary>
    internal struct State(byte[] record, ulong id, long count, long head)
    {
        public readonly byte[] Record = record;
        public readonly ulong Id = id;
        public long Count = count;
        public long Head = head;
    }

    private static DataType TypeOf(ElementsChange change) => change switch
    {
        HashChange => DataType.Hash,
        SetChange => DataType.Set,
        SortedSetChange => DataType.SortedSet,
        _ => DataType.List,
    };

    /// <summary>A new collection record: from <paramref name="image"/> (an emptied one coming back) or bare.</summary>
    private static State Create(StagedKeyspace keyspace, byte[]? current, DataType type, byte[]? image)
    {
        Invariant.That(current is null, "a change creates a collection only where no key is");
        var id = keyspace.NewCollectionId();
        var record = Records.FromImage(image ?? Records.NewCollectionImage(type), 0, id);
        return new State(record, id, 0, 0);
    }

    private static State Open(byte[]? current, DataType type)
    {
        Invariant.That(current is not null, "a change to an existing collection finds it (the replica is a prefix of the leader)");
        var record = KeyRecord.Parse(current);
        Invariant.That(record.Type == type, "an element change applies to a collection of its type");
        return new State(current, record.CollectionId, record.Count, record.Head);
    }

    private static void ApplyItems(StagedKeyspace keyspace, ElementsChange change, ref State state, bool undo)
    {
        switch (change)
        {
            case HashChange hash:
                HashItems.Apply(keyspace, hash.Fields, ref state, undo);
                break;
            case SetChange set:
                SetItems.Apply(keyspace, set.Members, ref state, undo);
                break;
            case SortedSetChange sorted:
                SortedSetItems.Apply(keyspace, sorted.Members, ref state, undo);
                break;
            case ListChange list:
                ListItems.Apply(keyspace, list.Edits, ref state, undo);
                break;
        }
    }

    private static void Store(StagedKeyspace keyspace, uint physical, byte[] key, byte[]? current, State state)
    {
        Invariant.That(state.Count >= 0, "a collection's count never goes below zero");
        if (state.Count == 0)
        {
            keyspace.Delete(physical, key, current, emptied: true);
            return;
        }
        keyspace.Put(physical, key, Records.WithCount(state.Record, state.Count, state.Head), current);
    }
}
