using Chorus.Commands.Execution;
using Chorus.Commands.Keyspace;
using Chorus.Commands.Values;

namespace Chorus.Commands.Data.Lists;

/// <summary>
/// Reading a list: elements sit at storage indices head … head+count−1 (docs/storage-layout.md),
/// so a position is one point read and a range one seek and a walk.
/// </summary>
internal static class ListReads
{
    /// <summary>The element at <paramref name="position"/> (0 = head), or null.</summary>
    public static byte[]? At(IKeyspaceView view, KeyRecord list, long position) =>
        view.GetElement(ElementKey.ListIndex(list.CollectionId, list.Head + position));

    /// <summary>Walks up to <paramref name="count"/> elements from <paramref name="start"/>, forwards.</summary>
    public static void Range(IKeyspaceView view, KeyRecord list, long start, long count, Action<ReadOnlySpan<byte>> visit)
    {
        using var elements = view.OpenElements(list.CollectionId);
        Span<byte> subKey = stackalloc byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(subKey, ElementKey.ListSubKey(list.Head + start));
        elements.Seek(subKey);
        for (var n = 0L; n < count && elements.Valid; n++, elements.Next())
        {
            visit(elements.Value);
        }
    }

    /// <summary>The elements at positions [start, start+count), forwards, as arrays.</summary>
    public static List<byte[]> Collect(IKeyspaceView view, KeyRecord list, long start, long count)
    {
        var values = new List<byte[]>((int)Math.Min(count, 1024));
        Range(view, list, start, count, value => values.Add(value.ToArray()));
        return values;
    }

    /// <summary>Redis's LRANGE/LTRIM normalisation: negative indices count from the end; null when the range is empty.</summary>
    public static (long Start, long Stop)? Normalize(long start, long stop, long length)
    {
        start = start < 0 ? length + start : start;
        stop = stop < 0 ? length + stop : stop;
        start = Math.Max(0, start);
        if (start > stop || start >= length)
        {
            return null;
        }
        return (start, Math.Min(stop, length - 1));
    }
}
