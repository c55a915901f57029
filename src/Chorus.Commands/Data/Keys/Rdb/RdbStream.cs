using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using Chorus.Commands.Values;
using Chorus.Core.Encoding;

namespace Chorus.Commands.Data.Keys.Rdb;

/// <summary>
/// A stream as a DUMP payload carries it (rdb.c, Redis 7.0, RDB_TYPE_STREAM_LISTPACKS_2): its
/// entries in listpack nodes keyed by their master id, its length, last, first and largest deleted
/// ids and entries-added counter, then each consumer group with its last delivered id, entries
/// read, pending entries (id, delivery time, delivery count) and consumers (name, seen time, the
/// ids they own).
/// </summary>
internal sealed record RdbStream(List<RdbStream.Entry> Entries, StreamId LastId, StreamId MaxDeletedId, ulong EntriesAdded, List<RdbStream.Group> Groups)
{
    /// <summary>Entries per listpack node, as Redis's stream-node-max-entries default.</summary>
    public const int NodeEntriesMax = 100;

    /// <summary>Redis's SCG_INVALID_ENTRIES_READ.</summary>
    public const long UnknownEntriesRead = -1;

    private const int FlagDeleted = 1, FlagSameFields = 2;

    public sealed record Entry(StreamId Id, List<byte[]> FieldsAndValues);

    public sealed record Pending(StreamId Id, long DeliveredMs, long DeliveryCount);

    public sealed record Consumer(byte[] Name, long SeenMs, List<StreamId> Owns);

    public sealed record Group(byte[] Name, StreamId LastDelivered, long EntriesRead, List<Pending> Pel, List<Consumer> Consumers);

    public void Encode(ArrayBufferWriter<byte> output)
    {
        var nodes = Entries.Chunk(NodeEntriesMax).ToList();
        RdbPayload.Length(output, (ulong)nodes.Count);
        foreach (var node in nodes)
        {
            RdbPayload.String(output, node[0].Id.ToBytes());
            RdbPayload.String(output, Node(node));
        }
        RdbPayload.Length(output, (ulong)Entries.Count);
        Id(output, LastId);
        Id(output, Entries.Count > 0 ? Entries[0].Id : StreamId.Zero);
        Id(output, MaxDeletedId);
        RdbPayload.Length(output, EntriesAdded);
        RdbPayload.Length(output, (ulong)Groups.Count);
        foreach (var group in Groups)
        {
            RdbPayload.String(output, group.Name);
            Id(output, group.LastDelivered);
            RdbPayload.Length(output, unchecked((ulong)group.EntriesRead));
            RdbPayload.Length(output, (ulong)group.Pel.Count);
            foreach (var pending in group.Pel)
            {
                output.Write(pending.Id.ToBytes());
                Milliseconds(output, pending.DeliveredMs);
                RdbPayload.Length(output, (ulong)pending.DeliveryCount);
            }
            RdbPayload.Length(output, (ulong)group.Consumers.Count);
            foreach (var consumer in group.Consumers)
            {
                RdbPayload.String(output, consumer.Name);
                Milliseconds(output, consumer.SeenMs);
                RdbPayload.Length(output, (ulong)consumer.Owns.Count);
                consumer.Owns.ForEach(id => output.Write(id.ToBytes()));
            }
        }
    }

    /// <summary>
    /// One listpack node (t_stream.c): the master entry — count, deleted, the first entry's field
    /// names, a zero — then each entry as flags, id deltas from the master id, its values (and field
    /// names unless they are the master's), and its element count.
    /// </summary>
    private static byte[] Node(Entry[] entries)
    {
        var lp = new ListpackWriter();
        var master = entries[0];
        var masterFields = Fields(master.FieldsAndValues);
        lp.Add(entries.Length);
        lp.Add(0);
        lp.Add(masterFields.Count);
        masterFields.ForEach(f => lp.Add(f));
        lp.Add(0);
        foreach (var entry in entries)
        {
            var fields = Fields(entry.FieldsAndValues);
            var same = fields.Count == masterFields.Count && fields.Zip(masterFields).All(p => p.First.AsSpan().SequenceEqual(p.Second));
            lp.Add(same ? FlagSameFields : 0);
            lp.Add(unchecked((long)(entry.Id.Ms - master.Id.Ms)));
            lp.Add(unchecked((long)(entry.Id.Seq - master.Id.Seq)));
            if (!same)
            {
                lp.Add(fields.Count);
            }
            for (var i = 0; i < entry.FieldsAndValues.Count; i += 2)
            {
                if (!same)
                {
                    lp.Add(entry.FieldsAndValues[i]);
                }
                lp.Add(entry.FieldsAndValues[i + 1]);
            }
            lp.Add(same ? fields.Count + 3 : (fields.Count * 2) + 4);
        }
        return lp.ToArray();
    }

    private static List<byte[]> Fields(List<byte[]> fieldsAndValues) => [.. fieldsAndValues.Where((_, i) => i % 2 == 0)];

    public static RdbStream Decode(ref RdbReader reader, byte type)
    {
        var entries = new List<Entry>();
        var nodes = reader.ReadNumber();
        for (ulong n = 0; n < nodes; n++)
        {
            var key = reader.ReadString();
            if (key.Length != StreamId.EncodedLength)
            {
                throw new CorruptDataException("a stream node key that is not an id");
            }
            var before = entries.Count;
            ReadNode(StreamId.Read(key), PackedLists.Listpack(reader.ReadString()), entries);
            if (entries.Count == before)
            {
                throw new CorruptDataException("an empty stream node");
            }
        }
        var length = reader.ReadNumber();
        var last = ReadId(ref reader);
        var (maxDeleted, added) = (StreamId.Zero, length);
        if (type != RdbTypes.StreamListpacks)
        {
            ReadId(ref reader); // the first id: the first entry's
            maxDeleted = ReadId(ref reader);
            added = reader.ReadNumber();
        }
        if (length != (ulong)entries.Count || (entries.Count > 0 && entries[^1].Id > last))
        {
            throw new CorruptDataException("a stream whose length or last id does not match its entries");
        }
        var stream = new RdbStream(entries, last, maxDeleted, added, []);
        var groups = reader.ReadNumber();
        for (ulong g = 0; g < groups; g++)
        {
            stream.Groups.Add(ReadGroup(ref reader, type, stream));
        }
        return stream;
    }

    private static Group ReadGroup(ref RdbReader reader, byte type, RdbStream stream)
    {
        var name = reader.ReadString();
        var lastDelivered = ReadId(ref reader);
        var entriesRead = type == RdbTypes.StreamListpacks ? stream.EstimateEntriesRead(lastDelivered) : unchecked((long)reader.ReadNumber());
        var pel = new List<Pending>();
        var pending = reader.ReadNumber();
        for (ulong i = 0; i < pending; i++)
        {
            var id = StreamId.Read(reader.ReadRaw(StreamId.EncodedLength));
            pel.Add(new Pending(id, ReadMilliseconds(ref reader), (long)reader.ReadNumber()));
        }
        var consumers = new List<Consumer>();
        var count = reader.ReadNumber();
        for (ulong i = 0; i < count; i++)
        {
            var consumer = reader.ReadString();
            var seen = ReadMilliseconds(ref reader);
            if (type == RdbTypes.StreamListpacks3)
            {
                ReadMilliseconds(ref reader); // active time (Redis 7.2): Chorus keeps the seen time only
            }
            var owns = new List<StreamId>();
            var owned = reader.ReadNumber();
            for (ulong j = 0; j < owned; j++)
            {
                owns.Add(StreamId.Read(reader.ReadRaw(StreamId.EncodedLength)));
            }
            consumers.Add(new Consumer(consumer, seen, owns));
        }
        // Every pending entry has exactly one owner among the consumers, and they own nothing else.
        var owners = consumers.SelectMany(c => c.Owns).ToList();
        if (owners.Count != pel.Count || owners.Distinct().Count() != owners.Count || !owners.ToHashSet().SetEquals(pel.Select(p => p.Id)))
        {
            throw new CorruptDataException("a consumer group whose consumers do not own its pending entries");
        }
        return new Group(name, lastDelivered, entriesRead, pel, consumers);
    }

    /// <summary>streamEstimateDistanceFromFirstEverEntry, for a payload from before Redis 7 (no entries-read).</summary>
    private long EstimateEntriesRead(StreamId id)
    {
        if (Entries.Count == 0 || id >= LastId)
        {
            return (long)EntriesAdded;
        }
        return MaxDeletedId == StreamId.Zero && id < Entries[0].Id ? 0 : UnknownEntriesRead;
    }

    private static void ReadNode(StreamId master, List<byte[]> items, List<Entry> entries)
    {
        var at = 0;
        long Next() => at < items.Count && long.TryParse(items[at++], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v)
            ? v : throw new CorruptDataException("a stream node element that is not a number");
        byte[] Item() => at < items.Count ? items[at++] : throw new CorruptDataException("a stream node that ends early");
        var total = Next() + Next(); // valid + deleted entries
        var masterFields = Enumerable.Range(0, (int)Math.Clamp(Next(), 0, items.Count)).Select(_ => Item()).ToList();
        if (Next() != 0)
        {
            throw new CorruptDataException("a stream master entry without its terminator");
        }
        for (long e = 0; e < total; e++)
        {
            var flags = Next();
            var id = new StreamId(unchecked(master.Ms + (ulong)Next()), unchecked(master.Seq + (ulong)Next()));
            var fieldsAndValues = new List<byte[]>();
            if ((flags & FlagSameFields) != 0)
            {
                masterFields.ForEach(f => { fieldsAndValues.Add(f); fieldsAndValues.Add(Item()); });
            }
            else
            {
                var count = Next();
                for (long f = 0; f < count; f++)
                {
                    fieldsAndValues.Add(Item());
                    fieldsAndValues.Add(Item());
                }
            }
            Next(); // the entry's element count
            if ((flags & FlagDeleted) == 0)
            {
                if (entries.Count > 0 && id <= entries[^1].Id)
                {
                    throw new CorruptDataException("stream entries out of order");
                }
                entries.Add(new Entry(id, fieldsAndValues));
            }
        }
        if (at != items.Count)
        {
            throw new CorruptDataException("trailing elements in a stream node");
        }
    }

    private static void Id(ArrayBufferWriter<byte> output, StreamId id)
    {
        RdbPayload.Length(output, id.Ms);
        RdbPayload.Length(output, id.Seq);
    }

    private static StreamId ReadId(ref RdbReader reader) => new(reader.ReadNumber(), reader.ReadNumber());

    /// <summary>rdbSaveMillisecondTime: a signed 64-bit little-endian count of Unix milliseconds.</summary>
    private static void Milliseconds(ArrayBufferWriter<byte> output, long ms)
    {
        BinaryPrimitives.WriteInt64LittleEndian(output.GetSpan(8), ms);
        output.Advance(8);
    }

    private static long ReadMilliseconds(ref RdbReader reader) => BinaryPrimitives.ReadInt64LittleEndian(reader.ReadRaw(8));
}
