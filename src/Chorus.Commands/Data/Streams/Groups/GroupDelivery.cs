using Chorus.Commands.Keyspace;
using Chorus.Commands.Logical;
using Chorus.Commands.Values;
using Chorus.Resp;

namespace Chorus.Commands.Data.Streams.Groups;

/// <summary>
/// Delivering entries to a consumer (Redis's streamReplyWithRange with a group): new entries
/// after the group's last delivered id, or the consumer's own pending history.
/// </summary>
internal static class GroupDelivery
{
    /// <summary>An entry delivered; <paramref name="Value"/> is null for a pending id whose entry was deleted.</summary>
    public readonly record struct Delivered(StreamId Id, byte[]? Value);

    /// <summary>Entries after the group's last delivered id (at most <paramref name="count"/>; 0: all), now pending for the consumer unless <paramref name="noAck"/>.</summary>
    public static List<Delivered> New(GroupSession group, byte[] consumer, long count, bool noAck)
    {
        var edit = group.Edit;
        var delivered = new List<Delivered>();
        if (!group.State.LastDelivered.TryNext(out var start))
        {
            return delivered;
        }
        foreach (var entry in StreamReads.Range(edit.Context, edit.CollectionId!.Value, start, StreamId.Max, count, reverse: false))
        {
            var read = GroupLag.AfterDelivering(edit.Facts, group.State, entry.Id);
            group.State = group.State with { LastDelivered = entry.Id, EntriesRead = read };
            group.Save();
            if (!noAck)
            {
                group.Deliver(entry.Id, consumer, edit.NowMs, 1);
            }
            delivered.Add(new Delivered(entry.Id, entry.Value));
        }
        return delivered;
    }

    /// <summary>The consumer's pending entries after <paramref name="after"/>, each delivered once more.</summary>
    public static List<Delivered> History(GroupSession group, byte[] consumer, StreamId after, long count)
    {
        var edit = group.Edit;
        var delivered = new List<Delivered>();
        if (!after.TryNext(out var start))
        {
            return delivered;
        }
        var collection = edit.CollectionId!.Value;
        foreach (var id in GroupScans.OfConsumer(edit.Context, collection, group.Name, consumer, start, count == 0 ? -1 : count))
        {
            var value = edit.Context.GetElement(ElementKey.Stream(collection, StreamItemKind.Entry, id.ToBytes()));
            if (value is not null && group.Pending(id) is { } pending)
            {
                group.Redeliver(id, pending, edit.NowMs, pending.DeliveryCount + 1);
            }
            delivered.Add(new Delivered(id, value));
        }
        return delivered;
    }

    /// <summary>The entry with this id, or null when it is not in the stream.</summary>
    public static byte[]? Entry(StreamEdit edit, StreamId id) =>
        edit.CollectionId is { } collection ? edit.Context.GetElement(ElementKey.Stream(collection, StreamItemKind.Entry, id.ToBytes())) : null;

    public static void Write(RespWriter reply, List<Delivered> entries)
    {
        reply.WriteArrayHeader(entries.Count);
        foreach (var entry in entries)
        {
            if (entry.Value is { } value)
            {
                StreamEntry.Write(reply, entry.Id, value);
            }
            else
            {
                reply.WriteArrayHeader(2);
                reply.WriteBulkString(entry.Id.ToText());
                reply.WriteNullArray();
            }
        }
    }
}
