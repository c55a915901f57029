using System.Buffers;
using System.Buffers.Binary;
using Chorus.Commands.Values;
using Chorus.Core.Encoding;

namespace Chorus.Commands.Data.Streams.Groups;

/// <summary>
/// A consumer group's own item (kind Group, named by the group): the last id delivered, the
/// entries-read counter (<see cref="UnknownEntriesRead"/> when Redis would not know it), and the
/// counts XINFO GROUPS shows, kept here so it needs no scan. Encoded as
/// <c>varint last-ms | varint last-seq | varint (entries-read + 1) | varint consumers | varint pending</c>.
/// </summary>
internal readonly record struct GroupState(StreamId LastDelivered, long EntriesRead, long Consumers, long Pending)
{
    /// <summary>Redis's SCG_INVALID_ENTRIES_READ: the group's position in the stream's history is not known.</summary>
    public const long UnknownEntriesRead = -1;

    public byte[] Encode()
    {
        var output = new ArrayBufferWriter<byte>(5 * ByteWriter.VarIntLengthMax);
        var writer = new ByteWriter(output);
        writer.WriteVarUInt(LastDelivered.Ms);
        writer.WriteVarUInt(LastDelivered.Seq);
        writer.WriteVarUInt((ulong)(EntriesRead + 1));
        writer.WriteVarUInt((ulong)Consumers);
        writer.WriteVarUInt((ulong)Pending);
        return output.WrittenSpan.ToArray();
    }

    public static GroupState Decode(ReadOnlySpan<byte> value)
    {
        var reader = new ByteReader(value);
        var last = new StreamId(reader.ReadVarUInt(), reader.ReadVarUInt());
        return new GroupState(last, (long)reader.ReadVarUInt() - 1, (long)reader.ReadVarUInt(), (long)reader.ReadVarUInt());
    }
}

/// <summary>A consumer's item: when it was last seen (Unix ms, the leader's command time) and how many entries it has pending.</summary>
internal readonly record struct ConsumerState(long SeenMs, long Pending)
{
    public byte[] Encode()
    {
        var output = new ArrayBufferWriter<byte>(2 * ByteWriter.VarIntLengthMax);
        var writer = new ByteWriter(output);
        writer.WriteVarUInt((ulong)Math.Max(0, SeenMs));
        writer.WriteVarUInt((ulong)Pending);
        return output.WrittenSpan.ToArray();
    }

    public static ConsumerState Decode(ReadOnlySpan<byte> value)
    {
        var reader = new ByteReader(value);
        return new ConsumerState((long)reader.ReadVarUInt(), (long)reader.ReadVarUInt());
    }
}

/// <summary>
/// A pending entry (Redis's NACK): delivered to <paramref name="Consumer"/> at
/// <paramref name="DeliveredMs"/>, <paramref name="DeliveryCount"/> times. Encoded as
/// <c>varint delivered-ms | varint delivery-count | consumer</c>.
/// </summary>
internal sealed record PendingEntry(long DeliveredMs, long DeliveryCount, byte[] Consumer)
{
    public byte[] Encode()
    {
        var output = new ArrayBufferWriter<byte>(2 * ByteWriter.VarIntLengthMax + Consumer.Length);
        var writer = new ByteWriter(output);
        writer.WriteVarUInt((ulong)Math.Max(0, DeliveredMs));
        writer.WriteVarUInt((ulong)Math.Max(0, DeliveryCount));
        writer.WriteRaw(Consumer);
        return output.WrittenSpan.ToArray();
    }

    public static PendingEntry Decode(ReadOnlySpan<byte> value)
    {
        var reader = new ByteReader(value);
        var delivered = (long)reader.ReadVarUInt();
        var count = (long)reader.ReadVarUInt();
        return new PendingEntry(delivered, count, value[reader.Position..].ToArray());
    }
}

/// <summary>
/// Names of the group items under a stream (after the kind byte). A group's name is stored as is
/// (groups list in name order, as Redis's radix tree does); everything inside a group starts with
/// <c>u32 length | group</c>, so one group's consumers and pending entries are one contiguous range
/// that no other group's name can reach into.
/// </summary>
internal static class GroupNames
{
    /// <summary><c>u32 length | group</c>: the prefix of every item of the group.</summary>
    public static byte[] Prefix(ReadOnlySpan<byte> group) => Concat(group, [], []);

    /// <summary>A consumer: <c>u32 length | group | consumer</c> (consumers list in name order).</summary>
    public static byte[] Consumer(ReadOnlySpan<byte> group, ReadOnlySpan<byte> consumer) => Concat(group, consumer, []);

    /// <summary>A pending entry of the group: <c>u32 length | group | id</c> (id order).</summary>
    public static byte[] Pending(ReadOnlySpan<byte> group, StreamId id) => Concat(group, [], id.ToBytes());

    /// <summary>The prefix of a consumer's own pending index: <c>u32 length | group | u32 length | consumer</c>.</summary>
    public static byte[] ConsumerPrefix(ReadOnlySpan<byte> group, ReadOnlySpan<byte> consumer) => ConsumerPending(group, consumer, null);

    /// <summary>A pending entry under its consumer: <c>u32 length | group | u32 length | consumer | id</c>.</summary>
    public static byte[] ConsumerPending(ReadOnlySpan<byte> group, ReadOnlySpan<byte> consumer, StreamId? id)
    {
        var name = new byte[4 + group.Length + 4 + consumer.Length + (id is null ? 0 : StreamId.EncodedLength)];
        BinaryPrimitives.WriteUInt32BigEndian(name, (uint)group.Length);
        group.CopyTo(name.AsSpan(4));
        BinaryPrimitives.WriteUInt32BigEndian(name.AsSpan(4 + group.Length), (uint)consumer.Length);
        consumer.CopyTo(name.AsSpan(8 + group.Length));
        id?.WriteTo(name.AsSpan(8 + group.Length + consumer.Length));
        return name;
    }

    private static byte[] Concat(ReadOnlySpan<byte> group, ReadOnlySpan<byte> middle, ReadOnlySpan<byte> tail)
    {
        var name = new byte[4 + group.Length + middle.Length + tail.Length];
        BinaryPrimitives.WriteUInt32BigEndian(name, (uint)group.Length);
        group.CopyTo(name.AsSpan(4));
        middle.CopyTo(name.AsSpan(4 + group.Length));
        tail.CopyTo(name.AsSpan(4 + group.Length + middle.Length));
        return name;
    }
}
