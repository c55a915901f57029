using Chorus.Commands.Data.Keys.Rdb;
using Chorus.Commands.Data.Streams.Groups;
using Chorus.Commands.Execution;
using Chorus.Commands.Logical;
using Chorus.Commands.Values;
using Chorus.Core;

namespace Chorus.Commands.Data.Streams;

/// <summary>
/// A stream read whole for DUMP, and created whole by RESTORE (one <see cref="StreamChange"/>):
/// its entries, metadata, consumer groups, their consumers and pending entries.
/// </summary>
internal static class StreamDump
{
    public static RdbStream Read(IKeyspaceView view, KeyRecord record)
    {
        var meta = StreamMeta.Decode(record.StreamTail);
        var stream = new RdbStream([], meta.LastId, meta.MaxDeletedId, meta.EntriesAdded, []);
        var groups = new Dictionary<byte[], (GroupState State, List<RdbStream.Pending> Pel, Dictionary<byte[], RdbStream.Consumer> Consumers)>(ByteArrayComparer.Instance);
        var pending = new List<(byte[] Group, StreamId Id, PendingEntry Entry)>();
        using var cursor = view.OpenElements(record.CollectionId);
        for (cursor.SeekToFirst(); cursor.Valid; cursor.Next())
        {
            var name = cursor.SubKey[1..];
            switch ((StreamItemKind)cursor.SubKey[0])
            {
                case StreamItemKind.Entry:
                    stream.Entries.Add(new RdbStream.Entry(StreamId.Read(name), StreamFields.Decode(cursor.Value)));
                    break;
                case StreamItemKind.Group:
                    groups[name.ToArray()] = (GroupState.Decode(cursor.Value), [], new(ByteArrayComparer.Instance));
                    break;
                case StreamItemKind.Consumer:
                    var (group, consumer) = Split(name);
                    groups[group].Consumers[consumer] = new RdbStream.Consumer(consumer, ConsumerState.Decode(cursor.Value).SeenMs, []);
                    break;
                case StreamItemKind.Pending:
                    var (owner, id) = Split(name);
                    pending.Add((owner, StreamId.Read(id), PendingEntry.Decode(cursor.Value)));
                    break;
            }
        }
        foreach (var (group, id, entry) in pending)
        {
            var (_, pel, consumers) = groups[group];
            pel.Add(new RdbStream.Pending(id, entry.DeliveredMs, entry.DeliveryCount));
            consumers[entry.Consumer].Owns.Add(id);
        }
        stream.Groups.AddRange(groups.Select(g => new RdbStream.Group(g.Key, g.Value.State.LastDelivered, g.Value.State.EntriesRead, g.Value.Pel, [.. g.Value.Consumers.Values])));
        return stream;
    }

    /// <summary>Creates the stream <paramref name="key"/> (absent) from a payload's <paramref name="stream"/>.</summary>
    public static void Create(WriteContext context, ReadOnlySpan<byte> key, RdbStream stream)
    {
        var items = new List<StreamItem>();
        foreach (var entry in stream.Entries)
        {
            items.Add(new StreamItem(StreamItemKind.Entry, entry.Id.ToBytes(), StreamEntry.Encode(entry.FieldsAndValues), null));
        }
        foreach (var group in stream.Groups)
        {
            items.Add(new StreamItem(StreamItemKind.Group, group.Name, new GroupState(group.LastDelivered, group.EntriesRead, group.Consumers.Count, group.Pel.Count).Encode(), null));
            var owners = group.Consumers.SelectMany(c => c.Owns.Select(id => (id, c.Name))).ToDictionary(o => o.id, o => o.Name);
            foreach (var consumer in group.Consumers)
            {
                items.Add(new StreamItem(StreamItemKind.Consumer, GroupNames.Consumer(group.Name, consumer.Name), new ConsumerState(consumer.SeenMs, consumer.Owns.Count).Encode(), null));
                items.AddRange(consumer.Owns.Select(id => new StreamItem(StreamItemKind.ConsumerPending, GroupNames.ConsumerPending(group.Name, consumer.Name, id), [], null)));
            }
            foreach (var pending in group.Pel)
            {
                items.Add(new StreamItem(StreamItemKind.Pending, GroupNames.Pending(group.Name, pending.Id), new PendingEntry(pending.DeliveredMs, pending.DeliveryCount, owners[pending.Id]).Encode(), null));
            }
        }
        context.Record(new StreamChange(context.Db, key.ToArray(), null, new StreamMeta(stream.LastId, stream.EntriesAdded, stream.MaxDeletedId).Encode(), items));
    }

    /// <summary>A group item's name, <c>u32 length | group | rest</c>, split.</summary>
    private static (byte[] Group, byte[] Tail) Split(ReadOnlySpan<byte> name)
    {
        var length = (int)System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(name);
        return (name.Slice(4, length).ToArray(), name[(4 + length)..].ToArray());
    }
}
