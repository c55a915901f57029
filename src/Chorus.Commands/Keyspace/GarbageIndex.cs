using System.Buffers;
using System.Buffers.Binary;
using Chorus.Core.Encoding;

namespace Chorus.Commands.Keyspace;

/// <summary>
/// Keys and values of the garbage index (docs/storage-layout.md, "Garbage"), in the data column's
/// bookkeeping database:
/// <code>
/// by owner, collection: FFFFFFFF 'O' 01 | u32 physical db | len+key | u64 seq → u64 tag | len+record
/// by owner, database:   FFFFFFFF 'O' 02 | u8 logical db | u64 seq            → u64 tag | u32 physical db
/// by tag:               FFFFFFFF 'T' | u64 tag | u64 seq                     → len+owner key | u8 kind | varint id | varint count
/// </code>
/// The owner entries let an undo find the newest garbage of a key or database; the tag entries
/// let collection find everything whose log entries were retired.
/// </summary>
public static class GarbageIndex
{
    public enum Kind : byte
    {
        Collection = 1,
        Database = 2,
    }

    private static readonly byte[] OwnerRoot = [0xFF, 0xFF, 0xFF, 0xFF, (byte)'O'];
    private static readonly byte[] TagRoot = [0xFF, 0xFF, 0xFF, 0xFF, (byte)'T'];

    /// <summary>Where the tag entries begin (the oldest tag first).</summary>
    public static byte[] TagStart => TagRoot;

    public static bool IsTagKey(ReadOnlySpan<byte> key) => key.StartsWith(TagRoot);

    public static byte[] CollectionOwnerPrefix(uint db, ReadOnlySpan<byte> key)
    {
        var output = new ArrayBufferWriter<byte>(OwnerRoot.Length + 1 + 4 + 5 + key.Length + 8);
        var writer = new ByteWriter(output);
        writer.WriteRaw(OwnerRoot);
        writer.WriteByte((byte)Kind.Collection);
        Span<byte> physical = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(physical, db);
        writer.WriteRaw(physical);
        writer.WriteLengthPrefixed(key);
        return output.WrittenSpan.ToArray();
    }

    public static byte[] DatabaseOwnerPrefix(int logicalDb) => [.. OwnerRoot, (byte)Kind.Database, (byte)logicalDb];

    /// <summary>An owner prefix followed by a sequence number.</summary>
    public static byte[] OwnerKey(byte[] ownerPrefix, ulong seq)
    {
        var key = new byte[ownerPrefix.Length + 8];
        ownerPrefix.CopyTo(key, 0);
        BinaryPrimitives.WriteUInt64BigEndian(key.AsSpan(ownerPrefix.Length), seq);
        return key;
    }

    /// <summary>Just past every owner key with this prefix (a SeekForPrev target for the newest).</summary>
    public static byte[] OwnerSeekLast(byte[] ownerPrefix) => OwnerKey(ownerPrefix, ulong.MaxValue);

    public static byte[] TagKey(ulong tag, ulong seq)
    {
        var key = new byte[TagRoot.Length + 16];
        TagRoot.CopyTo(key, 0);
        BinaryPrimitives.WriteUInt64BigEndian(key.AsSpan(TagRoot.Length), tag);
        BinaryPrimitives.WriteUInt64BigEndian(key.AsSpan(TagRoot.Length + 8), seq);
        return key;
    }

    public static ulong TagOf(ReadOnlySpan<byte> tagKey) => BinaryPrimitives.ReadUInt64BigEndian(tagKey[TagRoot.Length..]);

    public static ulong SeqOf(ReadOnlySpan<byte> tagKey) => BinaryPrimitives.ReadUInt64BigEndian(tagKey[(TagRoot.Length + 8)..]);

    /// <summary>The value under a collection's owner key: the tag, then the record it had.</summary>
    public static byte[] CollectionOwnerValue(ulong tag, ReadOnlySpan<byte> record)
    {
        var value = new byte[8 + record.Length];
        BinaryPrimitives.WriteUInt64BigEndian(value, tag);
        record.CopyTo(value.AsSpan(8));
        return value;
    }

    public static byte[] DatabaseOwnerValue(ulong tag, uint physical)
    {
        var value = new byte[12];
        BinaryPrimitives.WriteUInt64BigEndian(value, tag);
        BinaryPrimitives.WriteUInt32BigEndian(value.AsSpan(8), physical);
        return value;
    }

    public static ulong OwnerValueTag(ReadOnlySpan<byte> value) => BinaryPrimitives.ReadUInt64BigEndian(value);

    /// <summary>The record in a collection's owner value.</summary>
    public static ReadOnlySpan<byte> OwnerValueRecord(ReadOnlySpan<byte> value) => value[8..];

    public static uint OwnerValuePhysical(ReadOnlySpan<byte> value) => BinaryPrimitives.ReadUInt32BigEndian(value[8..]);

    public static byte[] TagValue(byte[] ownerKey, Kind kind, ulong id, long count)
    {
        var output = new ArrayBufferWriter<byte>(ownerKey.Length + 24);
        var writer = new ByteWriter(output);
        writer.WriteLengthPrefixed(ownerKey);
        writer.WriteByte((byte)kind);
        writer.WriteVarUInt(id);
        writer.WriteVarUInt((ulong)count);
        return output.WrittenSpan.ToArray();
    }

    /// <summary>What a tag entry says must go: its owner entry and the collection or database.</summary>
    public readonly record struct Entry(byte[] OwnerKey, Kind Kind, ulong Id, long Count);

    public static Entry ReadTagValue(ReadOnlySpan<byte> value)
    {
        var reader = new ByteReader(value);
        var owner = reader.ReadLengthPrefixed().ToArray();
        var kind = (Kind)reader.ReadByte();
        if (kind is not (Kind.Collection or Kind.Database))
        {
            throw new CorruptDataException($"unknown garbage kind {(byte)kind}");
        }
        return new Entry(owner, kind, reader.ReadVarUInt(), (long)reader.ReadVarUInt());
    }
}
