using System.Buffers;
using Chorus.Core.Encoding;
using Chorus.Core;

namespace Chorus.Commands.Values;

/// <summary>Builds key records and images (see <see cref="KeyRecord"/> for the layout).</summary>
public static class Records
{
    private const int HeaderLengthMax = 2 + ByteWriter.VarIntLengthMax;

    /// <summary>A string record (also its image): header, then the bytes.</summary>
    public static byte[] String(ReadOnlySpan<byte> value, long expiresAtMs, ReadOnlySpan<byte> versionBlock = default)
    {
        var output = new ArrayBufferWriter<byte>(HeaderLengthMax + versionBlock.Length + 5 + value.Length);
        WriteHeader(output, DataType.String, expiresAtMs, versionBlock);
        new ByteWriter(output).WriteRaw(value);
        return output.WrittenSpan.ToArray();
    }

    /// <summary>A collection's stored record: header, count, collection id (and a list's head).</summary>
    public static byte[] Collection(DataType type, long expiresAtMs, ReadOnlySpan<byte> versionBlock, long count, ulong collectionId, long head = 0)
    {
        var output = new ArrayBufferWriter<byte>(HeaderLengthMax + versionBlock.Length + 5 + (3 * ByteWriter.VarIntLengthMax));
        WriteHeader(output, type, expiresAtMs, versionBlock);
        WriteBody(output, type, count, collectionId, head, NewTail(type));
        return output.WrittenSpan.ToArray();
    }

    /// <summary>The same collection record with another count (and head); header and id kept.</summary>
    public static byte[] WithCount(ReadOnlySpan<byte> record, long count, long head)
    {
        var parsed = KeyRecord.Parse(record);
        var output = new ArrayBufferWriter<byte>(parsed.HeaderLength + (3 * ByteWriter.VarIntLengthMax));
        new ByteWriter(output).WriteRaw(record[..parsed.HeaderLength]);
        WriteBody(output, parsed.Type, count, parsed.CollectionId, head, parsed.StreamTail);
        return output.WrittenSpan.ToArray();
    }

    /// <summary>The same stream record with another entry count and metadata (<paramref name="tail"/>); header and id kept.</summary>
    public static byte[] WithStream(ReadOnlySpan<byte> record, long count, ReadOnlySpan<byte> tail)
    {
        var parsed = KeyRecord.Parse(record);
        Invariant.That(parsed.Type == DataType.Stream, "stream metadata belongs to a stream");
        var output = new ArrayBufferWriter<byte>(parsed.HeaderLength + (2 * ByteWriter.VarIntLengthMax) + tail.Length);
        new ByteWriter(output).WriteRaw(record[..parsed.HeaderLength]);
        WriteBody(output, parsed.Type, count, parsed.CollectionId, 0, tail);
        return output.WrittenSpan.ToArray();
    }

    /// <summary>The same record or image with another expiry (0 removes it); everything else kept.</summary>
    public static byte[] WithExpiry(ReadOnlySpan<byte> record, long expiresAtMs)
    {
        var parsed = KeyRecord.ParseImage(record);
        var output = new ArrayBufferWriter<byte>(record.Length + ByteWriter.VarIntLengthMax);
        WriteHeader(output, parsed.Type, expiresAtMs, parsed.VersionBlock, parsed.IsTombstone);
        new ByteWriter(output).WriteRaw(record[parsed.HeaderLength..]);
        return output.WrittenSpan.ToArray();
    }

    /// <summary>
    /// What the log carries for a record: the header and, for a collection, only the count (the
    /// collection id and a list's head are the node's own).
    /// </summary>
    public static byte[] ImageOf(ReadOnlySpan<byte> record)
    {
        var parsed = KeyRecord.Parse(record);
        if (!parsed.IsCollection)
        {
            return record.ToArray();
        }
        var output = new ArrayBufferWriter<byte>(parsed.HeaderLength + ByteWriter.VarIntLengthMax);
        new ByteWriter(output).WriteRaw(record[..parsed.HeaderLength]);
        new ByteWriter(output).WriteVarUInt((ulong)parsed.Count);
        new ByteWriter(output).WriteRaw(parsed.StreamTail);
        return output.WrittenSpan.ToArray();
    }

    /// <summary>The image of a collection that does not exist yet: its type, no expiry, no elements.</summary>
    public static byte[] NewCollectionImage(DataType type) => NewCollectionImageWithCount(type, 0);

    /// <summary>The image of a collection with no expiry or version block and <paramref name="count"/> elements.</summary>
    public static byte[] NewCollectionImageWithCount(DataType type, long count)
    {
        var output = new ArrayBufferWriter<byte>(2 + ByteWriter.VarIntLengthMax);
        WriteHeader(output, type, 0, default);
        new ByteWriter(output).WriteVarUInt((ulong)count);
        new ByteWriter(output).WriteRaw(NewTail(type));
        return output.WrittenSpan.ToArray();
    }

    /// <summary>A stored record for a collection image: the image's header with a local id, count and head.</summary>
    public static byte[] FromImage(ReadOnlySpan<byte> image, long count, ulong collectionId, long head = 0)
    {
        var parsed = KeyRecord.ParseImage(image);
        var output = new ArrayBufferWriter<byte>(parsed.HeaderLength + (3 * ByteWriter.VarIntLengthMax));
        new ByteWriter(output).WriteRaw(image[..parsed.HeaderLength]);
        WriteBody(output, parsed.Type, count, collectionId, head, parsed.StreamTail);
        return output.WrittenSpan.ToArray();
    }

    /// <summary>A multi-leader tombstone: a deleted key kept for its versions (a string record with no bytes).</summary>
    public static byte[] Tombstone(ReadOnlySpan<byte> versionBlock)
    {
        Invariant.That(!versionBlock.IsEmpty, "a tombstone carries a version block");
        var output = new ArrayBufferWriter<byte>(HeaderLengthMax + versionBlock.Length + 5);
        WriteHeader(output, DataType.String, 0, versionBlock, tombstone: true);
        return output.WrittenSpan.ToArray();
    }

    /// <summary>The same record or image with another version block (empty removes it; a tombstone stays one only with a block).</summary>
    public static byte[] WithVersionBlock(ReadOnlySpan<byte> record, ReadOnlySpan<byte> versionBlock)
    {
        var parsed = KeyRecord.ParseImage(record);
        var output = new ArrayBufferWriter<byte>(record.Length + versionBlock.Length + 5);
        WriteHeader(output, parsed.Type, parsed.ExpiresAtMs, versionBlock, parsed.IsTombstone && !versionBlock.IsEmpty);
        new ByteWriter(output).WriteRaw(record[parsed.HeaderLength..]);
        return output.WrittenSpan.ToArray();
    }

    private static void WriteHeader(IBufferWriter<byte> output, DataType type, long expiresAtMs, ReadOnlySpan<byte> versionBlock, bool tombstone = false)
    {
        var writer = new ByteWriter(output);
        writer.WriteByte((byte)type);
        var flags = (byte)((expiresAtMs != 0 ? KeyRecord.HasExpiryFlag : 0) | (versionBlock.IsEmpty ? 0 : KeyRecord.HasVersionFlag) | (tombstone ? KeyRecord.TombstoneFlag : 0));
        writer.WriteByte(flags);
        if (expiresAtMs != 0)
        {
            writer.WriteVarUInt((ulong)expiresAtMs);
        }
        if (!versionBlock.IsEmpty)
        {
            writer.WriteLengthPrefixed(versionBlock);
        }
    }

    private static void WriteBody(IBufferWriter<byte> output, DataType type, long count, ulong collectionId, long head, ReadOnlySpan<byte> streamTail)
    {
        var writer = new ByteWriter(output);
        writer.WriteVarUInt((ulong)count);
        writer.WriteVarUInt(collectionId);
        if (type == DataType.List)
        {
            writer.WriteVarInt(head);
        }
        writer.WriteRaw(streamTail);
    }

    /// <summary>A new stream's metadata (nothing added yet); nothing for other types.</summary>
    private static ReadOnlySpan<byte> NewTail(DataType type) => type == DataType.Stream ? StreamMeta.Empty.Encode() : default;
}
