using Chorus.Commands.Execution;
using Chorus.Commands.Logical;
using Chorus.Commands.Values;

namespace Chorus.Commands.Data.Lists;

/// <summary>
/// Changes lists by recording edits (pushes, pops, sets, inserts, removals) with the values they
/// add or take, so followers and rollbacks replay them exactly. Positions in an edit are from the
/// head at the moment of that edit.
/// </summary>
internal static class ListWrites
{
    /// <summary>Pushes <paramref name="values"/> one by one at the head or the tail; returns the new length.</summary>
    public static long Push(WriteContext context, ReadOnlySpan<byte> key, byte[]? live, IEnumerable<byte[]> values, bool left)
    {
        var kind = left ? ListEditKind.PushLeft : ListEditKind.PushRight;
        var edits = values.Select(v => new ListEdit(kind, 0, v)).ToArray();
        Record(context, context.Db, key, live, edits);
        return (live is null ? 0 : KeyRecord.Parse(live).Count) + edits.Length;
    }

    /// <summary>Pops up to <paramref name="count"/> elements from one end; returns them in pop order.</summary>
    public static List<byte[]> Pop(WriteContext context, int db, ReadOnlySpan<byte> key, byte[] live, long count, bool left)
    {
        var list = KeyRecord.Parse(live);
        count = Math.Min(count, list.Count);
        // Point reads, not a walk: the head of a queue sits just past the tombstones of everything
        // popped before, which a storage iterator would have to step over.
        var popped = new List<byte[]>((int)Math.Min(count, 1024));
        for (var i = 0L; i < count; i++)
        {
            popped.Add(ListReads.At(context, list, left ? i : list.Count - 1 - i)!);
        }
        var kind = left ? ListEditKind.PopLeft : ListEditKind.PopRight;
        Record(context, db, key, live, [.. popped.Select(v => new ListEdit(kind, 0, v))]);
        return popped;
    }

    /// <summary>Records <paramref name="edits"/> on the list whose live record is <paramref name="live"/> (null: a new list).</summary>
    public static void Record(WriteContext context, int db, ReadOnlySpan<byte> key, byte[]? live, IReadOnlyList<ListEdit> edits)
    {
        if (edits.Count == 0)
        {
            return;
        }
        if (live is null)
        {
            context.RemoveExpired(db, key);
        }
        context.Record(new ListChange(db, key.ToArray(), live is null ? null : Records.ImageOf(live), edits));
    }
}
