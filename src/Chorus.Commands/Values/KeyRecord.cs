using Chorus.Core.Encoding;

namespace Chorus.Commands.Values;

/// <summary>
/// A parsed key record (docs/storage-layout.md, "Key records"):
/// <code>
/// u8 type | u8 flags | [varint expires-at-ms] | [len+version block] | body
/// body: string → its bytes; hash, set, sorted set → varint count | varint collection id;
///       list → varint count | varint collection id | zigzag head
///       stream → varint count | varint collection id | stream metadata (see <c>StreamMeta</c>)
/// </code>
/// An <em>image</em> (what the log carries) has the same header and, for a collection, only the
/// count (and a stream's metadata, which is logical state): <see cref="ParseImage"/> reads those.
/// </summary>
public readonly ref struct KeyRecord
{
    public const byte HasExpiryFlag = 0x01;
    public const byte HasVersionFlag = 0x02;

    /// <summary>A deleted key kept for its versions (multi-leader; always with a version block): every read treats it as absent.</summary>
    public const byte TombstoneFlag = 0x04;
    private const byte KnownFlags = HasExpiryFlag | HasVersionFlag | TombstoneFlag;

    private KeyRecord(DataType type, byte flags, long expiresAtMs, ReadOnlySpan<byte> versionBlock, int headerLength, ReadOnlySpan<byte> payload, long count, ulong collectionId, long head, ReadOnlySpan<byte> streamTail = default)
    {
        Type = type;
        Flags = flags;
        ExpiresAtMs = expiresAtMs;
        VersionBlock = versionBlock;
        HeaderLength = headerLength;
        Payload = payload;
        Count = count;
        CollectionId = collectionId;
        Head = head;
        StreamTail = streamTail;
    }

    public DataType Type { get; }

    /// <summary>The record's flags byte (<see cref="HasExpiryFlag"/>, <see cref="HasVersionFlag"/>, <see cref="TombstoneFlag"/>).</summary>
    public byte Flags { get; }

    public bool HasVersionBlock => (Flags & HasVersionFlag) != 0;

    /// <summary>A deleted key kept for its versions (multi-leader): reads see no key.</summary>
    public bool IsTombstone => (Flags & TombstoneFlag) != 0;

    /// <summary>Absolute expiry in Unix milliseconds, or 0 when the key does not expire.</summary>
    public long ExpiresAtMs { get; }

    /// <summary>Multi-leader/leaderless version metadata; empty for single-leader.</summary>
    public ReadOnlySpan<byte> VersionBlock { get; }

    /// <summary>Bytes before the body (type, flags, expiry, version block).</summary>
    public int HeaderLength { get; }

    /// <summary>A string's bytes (empty for collections).</summary>
    public ReadOnlySpan<byte> Payload { get; }

    /// <summary>A collection's element count (0 for strings).</summary>
    public long Count { get; }

    /// <summary>Names the collection's elements (0 for strings and images).</summary>
    public ulong CollectionId { get; }

    /// <summary>A list's storage index of its first element.</summary>
    public long Head { get; }

    /// <summary>A stream's metadata bytes (last id, entries added, max deleted id), in records and images alike; empty for other types.</summary>
    public ReadOnlySpan<byte> StreamTail { get; }

    public bool HasExpiry => ExpiresAtMs != 0;

    public bool IsCollection => Type != DataType.String;

    /// <summary>
    /// Redis's rule: a key is expired once the clock has passed its expiry time. A tombstone
    /// counts as expired too, so every read path that hides expired keys hides it.
    /// </summary>
    public bool IsExpiredAt(long nowMs) => IsTombstone || (ExpiresAtMs != 0 && nowMs > ExpiresAtMs);

    /// <summary>Whether a record or image is a tombstone, from its flags byte alone (for scans that parse nothing else).</summary>
    public static bool IsTombstoneRecord(ReadOnlySpan<byte> record) => record.Length > 1 && (record[1] & TombstoneFlag) != 0;

    public static KeyRecord Parse(ReadOnlySpan<byte> record) => Parse(record, image: false);

    public static KeyRecord ParseImage(ReadOnlySpan<byte> image) => Parse(image, image: true);

    /// <summary>Reads only the expiry of a record or image.</summary>
    public static long ExpiryOf(ReadOnlySpan<byte> record) => ParseImage(record).ExpiresAtMs;

    /// <summary>The collection id of a record, or null for a string.</summary>
    public static ulong? CollectionIdOf(ReadOnlySpan<byte> record)
    {
        var parsed = Parse(record);
        return parsed.IsCollection ? parsed.CollectionId : null;
    }

    private static KeyRecord Parse(ReadOnlySpan<byte> encoded, bool image)
    {
        var reader = new ByteReader(encoded);
        var typeByte = reader.ReadByte();
        if (!DataTypes.IsKnown(typeByte))
        {
            throw new CorruptDataException($"unknown value type {typeByte}");
        }
        var type = (DataType)typeByte;
        var flags = reader.ReadByte();
        if ((flags & ~KnownFlags) != 0)
        {
            throw new CorruptDataException($"unknown key record flags 0x{flags:x2}");
        }
        if ((flags & TombstoneFlag) != 0 && (flags & HasVersionFlag) == 0)
        {
            throw new CorruptDataException("a tombstone key record without a version block");
        }
        var expiresAtMs = (flags & HasExpiryFlag) != 0 ? (long)reader.ReadVarUInt() : 0;
        var version = (flags & HasVersionFlag) != 0 ? reader.ReadLengthPrefixed() : default;
        var headerLength = reader.Position;
        if (type == DataType.String)
        {
            return new KeyRecord(type, flags, expiresAtMs, version, headerLength, reader.Rest, 0, 0, 0);
        }
        var count = (long)reader.ReadVarUInt();
        if (image)
        {
            return new KeyRecord(type, flags, expiresAtMs, version, headerLength, default, count, 0, 0, TailOf(type, reader));
        }
        var id = reader.ReadVarUInt();
        var head = type == DataType.List ? reader.ReadVarInt() : 0;
        return new KeyRecord(type, flags, expiresAtMs, version, headerLength, default, count, id, head, TailOf(type, reader));
    }

    private static ReadOnlySpan<byte> TailOf(DataType type, ByteReader reader) => type == DataType.Stream ? reader.Rest : default;
}
