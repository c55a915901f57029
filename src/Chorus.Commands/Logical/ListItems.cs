using Chorus.Commands.Keyspace;
using Chorus.Core;

namespace Chorus.Commands.Logical;

/// <summary>
/// List edits on a dense run of storage indices head … head+count−1: pushes and pops move an end
/// (O(1)); set writes one element; insert and remove shift the shorter side by one (O(n)). Each
/// edit's position is from the head at the moment of the edit, so the same edit lands on the same
/// element on every node, whatever its storage indices.
/// </summary>
internal static class ListItems
{
    public static void Apply(StagedKeyspace keyspace, IReadOnlyList<ListEdit> edits, ref CollectionApplier.State state, bool undo)
    {
        for (var n = 0; n < edits.Count; n++)
        {
            var edit = edits[undo ? edits.Count - 1 - n : n];
            Edit(keyspace, undo ? Inverse(edit) : edit, ref state);
        }
    }

    private static ListEdit Inverse(ListEdit edit) => edit.Kind switch
    {
        ListEditKind.PushLeft => edit with { Kind = ListEditKind.PopLeft },
        ListEditKind.PushRight => edit with { Kind = ListEditKind.PopRight },
        ListEditKind.PopLeft => edit with { Kind = ListEditKind.PushLeft },
        ListEditKind.PopRight => edit with { Kind = ListEditKind.PushRight },
        ListEditKind.Set => edit with { Value = edit.Previous!, Previous = edit.Value },
        ListEditKind.Insert => edit with { Kind = ListEditKind.Remove },
        _ => edit with { Kind = ListEditKind.Insert },
    };

    private static void Edit(StagedKeyspace keyspace, ListEdit edit, ref CollectionApplier.State state)
    {
        var id = state.Id;
        switch (edit.Kind)
        {
            case ListEditKind.PushLeft:
                state.Head--;
                keyspace.SetElement(ElementKey.ListIndex(id, state.Head), edit.Value);
                state.Count++;
                break;
            case ListEditKind.PushRight:
                keyspace.SetElement(ElementKey.ListIndex(id, state.Head + state.Count), edit.Value);
                state.Count++;
                break;
            case ListEditKind.PopLeft:
                Invariant.That(state.Count > 0, "a pop finds an element");
                keyspace.SetElement(ElementKey.ListIndex(id, state.Head), null);
                state.Head++;
                state.Count--;
                break;
            case ListEditKind.PopRight:
                Invariant.That(state.Count > 0, "a pop finds an element");
                keyspace.SetElement(ElementKey.ListIndex(id, state.Head + state.Count - 1), null);
                state.Count--;
                break;
            case ListEditKind.Set:
                Invariant.That(edit.Index >= 0 && edit.Index < state.Count, "LSET's position is inside the list");
                keyspace.SetElement(ElementKey.ListIndex(id, state.Head + edit.Index), edit.Value);
                break;
            case ListEditKind.Insert:
                Insert(keyspace, edit, ref state);
                break;
            case ListEditKind.Remove:
                Remove(keyspace, edit, ref state);
                break;
        }
    }

    /// <summary>The element lands at position i; the shorter side moves one step outwards to make room.</summary>
    private static void Insert(StagedKeyspace keyspace, ListEdit edit, ref CollectionApplier.State state)
    {
        var i = edit.Index;
        Invariant.That(i >= 0 && i <= state.Count, "an insert's position is inside the list or at its end");
        if (i < state.Count - i)
        {
            for (var j = 0L; j < i; j++)
            {
                Move(keyspace, state.Id, state.Head + j, state.Head + j - 1);
            }
            state.Head--;
        }
        else
        {
            for (var j = state.Count - 1; j >= i; j--)
            {
                Move(keyspace, state.Id, state.Head + j, state.Head + j + 1);
            }
        }
        keyspace.SetElement(ElementKey.ListIndex(state.Id, state.Head + i), edit.Value);
        state.Count++;
    }

    /// <summary>The element at position i goes; the shorter side moves one step inwards to close the gap.</summary>
    private static void Remove(StagedKeyspace keyspace, ListEdit edit, ref CollectionApplier.State state)
    {
        var i = edit.Index;
        Invariant.That(i >= 0 && i < state.Count, "a removal's position is inside the list");
        if (i < state.Count - 1 - i)
        {
            for (var j = i - 1; j >= 0; j--)
            {
                Move(keyspace, state.Id, state.Head + j, state.Head + j + 1);
            }
            keyspace.SetElement(ElementKey.ListIndex(state.Id, state.Head), null);
            state.Head++;
        }
        else
        {
            for (var j = i + 1; j < state.Count; j++)
            {
                Move(keyspace, state.Id, state.Head + j, state.Head + j - 1);
            }
            keyspace.SetElement(ElementKey.ListIndex(state.Id, state.Head + state.Count - 1), null);
        }
        state.Count--;
    }

    private static void Move(StagedKeyspace keyspace, ulong id, long from, long to)
    {
        var value = keyspace.GetElement(ElementKey.ListIndex(id, from));
        Invariant.That(value is not null, "every index between a list's ends holds an element");
        keyspace.SetElement(ElementKey.ListIndex(id, to), value);
    }
}
