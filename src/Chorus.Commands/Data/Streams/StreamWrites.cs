using Chorus.Commands.Execution;
using Chorus.Commands.Keyspace;
using Chorus.Commands.Logical;
using Chorus.Commands.Values;

namespace Chorus.Commands.Data.Streams;

/// <summary>
/// Changes streams by recording <see cref="StreamChange"/>s: the entries added and removed (each
/// removal with the value it had, so a rollback can put it back) and the stream's metadata after
/// the change. XADD with trimming records two changes (the add, then the trim) in its one entry.
/// </summary>
internal static class StreamWrites
{
    /// <summary>Appends an entry (to a new stream when <paramref name="live"/> is null).</summary>
    public static void Add(WriteContext context, ReadOnlySpan<byte> key, byte[]? live, StreamId id, byte[] entry)
    {
        var meta = live is null ? StreamMeta.Empty : Meta(live);
        meta = meta with { LastId = id, EntriesAdded = meta.EntriesAdded + 1 };
        if (live is null)
        {
            context.RemoveExpired(context.Db, key);
        }
        StreamItem[] items = [new(StreamItemKind.Entry, id.ToBytes(), entry, null)];
        context.Record(new StreamChange(context.Db, key.ToArray(), live is null ? null : Records.ImageOf(live), meta.Encode(), items));
    }

    /// <summary>XTRIM, and XADD's trimming: removes the oldest entries the options ask for; returns how many.</summary>
    public static long Trim(WriteContext context, ReadOnlySpan<byte> key, byte[] live, StreamTrim trim)
    {
        var record = KeyRecord.Parse(live);
        var victims = trim.Victims(context, record.CollectionId, record.Count);
        if (victims.Count == 0)
        {
            return 0;
        }
        var items = victims.Select(v => new StreamItem(StreamItemKind.Entry, v.Id.ToBytes(), null, v.Value)).ToArray();
        context.Record(new StreamChange(context.Db, key.ToArray(), Records.ImageOf(live), record.StreamTail.ToArray(), items));
        return items.Length;
    }

    /// <summary>XDEL: removes the entries with these ids that exist; returns how many.</summary>
    public static long Delete(WriteContext context, ReadOnlySpan<byte> key, byte[] live, IReadOnlyList<StreamId> ids)
    {
        var record = KeyRecord.Parse(live);
        var meta = Meta(live);
        var items = new List<StreamItem>();
        var seen = new HashSet<StreamId>();
        foreach (var id in ids)
        {
            var name = id.ToBytes();
            if (!seen.Add(id) || context.GetElement(ElementKey.Stream(record.CollectionId, StreamItemKind.Entry, name)) is not { } value)
            {
                continue;
            }
            items.Add(new StreamItem(StreamItemKind.Entry, name, null, value));
            if (id > meta.MaxDeletedId)
            {
                meta = meta with { MaxDeletedId = id };
            }
        }
        if (items.Count > 0)
        {
            context.Record(new StreamChange(context.Db, key.ToArray(), Records.ImageOf(live), meta.Encode(), items));
        }
        return items.Count;
    }

    public static StreamMeta Meta(ReadOnlySpan<byte> record) => StreamMeta.Decode(KeyRecord.Parse(record).StreamTail);
}
