using Chorus.Commands.Execution;
using Chorus.Commands.Keyspace;
using Chorus.Commands.Logical;
using Chorus.Commands.Values;
using Chorus.Resp;

namespace Chorus.Commands.Data.Streams;

/// <summary>
/// Range scans over a stream's entries (sub-keys <c>0x00 | ms | seq</c>, so id order is key
/// order): O(log n + m) for m entries, forwards or backwards.
/// </summary>
internal static class StreamReads
{
    public readonly record struct Entry(StreamId Id, byte[] Value);

    /// <summary>Entries with ids in [<paramref name="start"/>, <paramref name="end"/>], at most <paramref name="count"/> (0: all), newest first when <paramref name="reverse"/>.</summary>
    public static List<Entry> Range(IKeyspaceView view, ulong collectionId, StreamId start, StreamId end, long count, bool reverse)
    {
        var entries = new List<Entry>();
        if (start > end)
        {
            return entries;
        }
        using var cursor = view.OpenElements(collectionId);
        if (reverse)
        {
            cursor.SeekForPrev(ElementKey.StreamEntrySubKey(end));
        }
        else
        {
            cursor.Seek(ElementKey.StreamEntrySubKey(start));
        }
        for (; cursor.Valid && (count == 0 || entries.Count < count); Step(cursor, reverse))
        {
            var subKey = cursor.SubKey;
            if (subKey[0] != (byte)StreamItemKind.Entry)
            {
                break;
            }
            var id = StreamId.Read(subKey[1..]);
            if (reverse ? id < start : id > end)
            {
                break;
            }
            entries.Add(new Entry(id, cursor.Value.ToArray()));
        }
        return entries;
    }

    /// <summary>The first (or last) entry's id, or null for an empty stream.</summary>
    public static StreamId? Edge(IKeyspaceView view, ulong collectionId, bool last)
    {
        var edge = Range(view, collectionId, StreamId.Zero, StreamId.Max, 1, reverse: last);
        return edge.Count == 0 ? null : edge[0].Id;
    }

    public static void WriteEntries(RespWriter reply, List<Entry> entries)
    {
        reply.WriteArrayHeader(entries.Count);
        foreach (var entry in entries)
        {
            StreamEntry.Write(reply, entry.Id, entry.Value);
        }
    }

    private static void Step(IElementCursor cursor, bool reverse)
    {
        if (reverse)
        {
            cursor.Prev();
        }
        else
        {
            cursor.Next();
        }
    }
}
