using Chorus.Commands.Execution;
using Chorus.Commands.Logical;
using Chorus.Commands.Values;

namespace Chorus.Commands.Data.Streams.Groups;

/// <summary>
/// Range reads over a stream's group items (each a seek, then a walk of a contiguous prefix):
/// the groups, a group's consumers, a group's PEL by id, a consumer's pending ids.
/// </summary>
internal static class GroupScans
{
    public readonly record struct Pending(StreamId Id, PendingEntry Entry);

    public static List<(byte[] Name, GroupState State)> Groups(IKeyspaceView view, ulong collectionId)
    {
        var groups = new List<(byte[], GroupState)>();
        Walk(view, collectionId, StreamItemKind.Group, [], [], (name, value) =>
        {
            groups.Add((name.ToArray(), GroupState.Decode(value)));
            return true;
        });
        return groups;
    }

    public static List<(byte[] Name, ConsumerState State)> Consumers(IKeyspaceView view, ulong collectionId, byte[] group)
    {
        var consumers = new List<(byte[], ConsumerState)>();
        var prefix = GroupNames.Prefix(group);
        Walk(view, collectionId, StreamItemKind.Consumer, prefix, prefix, (name, value) =>
        {
            consumers.Add((name[prefix.Length..].ToArray(), ConsumerState.Decode(value)));
            return true;
        });
        return consumers;
    }

    /// <summary>The group's pending entries with ids in [<paramref name="start"/>, <paramref name="end"/>], at most <paramref name="count"/> (negative: all).</summary>
    public static List<Pending> Range(IKeyspaceView view, ulong collectionId, byte[] group, StreamId start, StreamId end, long count)
    {
        var entries = new List<Pending>();
        if (count == 0 || start > end)
        {
            return entries;
        }
        var prefix = GroupNames.Prefix(group);
        Walk(view, collectionId, StreamItemKind.Pending, prefix, GroupNames.Pending(group, start), (name, value) =>
        {
            var id = StreamId.Read(name[prefix.Length..]);
            if (id > end)
            {
                return false;
            }
            entries.Add(new Pending(id, PendingEntry.Decode(value)));
            return count < 0 || entries.Count < count;
        });
        return entries;
    }

    /// <summary>The consumer's pending ids from <paramref name="start"/> on, at most <paramref name="count"/> (negative: all).</summary>
    public static List<StreamId> OfConsumer(IKeyspaceView view, ulong collectionId, byte[] group, byte[] consumer, StreamId start, long count)
    {
        var ids = new List<StreamId>();
        if (count == 0)
        {
            return ids;
        }
        var prefix = GroupNames.ConsumerPrefix(group, consumer);
        Walk(view, collectionId, StreamItemKind.ConsumerPending, prefix, GroupNames.ConsumerPending(group, consumer, start), (name, _) =>
        {
            ids.Add(StreamId.Read(name[prefix.Length..]));
            return count < 0 || ids.Count < count;
        });
        return ids;
    }

    /// <summary>Every consumer, pending entry and consumer index item of the group (what XGROUP DESTROY removes).</summary>
    public static List<(StreamItemKind Kind, byte[] Name)> ItemsOf(IKeyspaceView view, ulong collectionId, byte[] group)
    {
        var items = new List<(StreamItemKind, byte[])>();
        var prefix = GroupNames.Prefix(group);
        foreach (var kind in (StreamItemKind[])[StreamItemKind.Consumer, StreamItemKind.Pending, StreamItemKind.ConsumerPending])
        {
            Walk(view, collectionId, kind, prefix, prefix, (name, _) =>
            {
                items.Add((kind, name.ToArray()));
                return true;
            });
        }
        return items;
    }

    /// <summary>Visits the items of <paramref name="kind"/> whose names start with <paramref name="prefix"/>, from <paramref name="from"/>, while <paramref name="visit"/> says go on.</summary>
    private static void Walk(IKeyspaceView view, ulong collectionId, StreamItemKind kind, byte[] prefix, byte[] from, Func<ReadOnlySpan<byte>, ReadOnlySpan<byte>, bool> visit)
    {
        using var cursor = view.OpenElements(collectionId);
        cursor.Seek([(byte)kind, .. from]);
        for (; cursor.Valid; cursor.Next())
        {
            var subKey = cursor.SubKey;
            if (subKey[0] != (byte)kind || !subKey[1..].StartsWith(prefix))
            {
                return;
            }
            if (!visit(subKey[1..], cursor.Value))
            {
                return;
            }
        }
    }
}
