using System.Buffers;
using Chorus.Core.Encoding;

namespace Chorus.Commands.Values;

/// <summary>
/// A decoded view of a stored value:
/// <c>u8 type (| 0x40 when a version block follows, | 0x20 for a tombstone) | varint expiry (Unix ms, 0 = none) | [len+version-block] | payload</c>.
/// The payload layout depends on the type (see <see cref="StringValue"/>, <see cref="HashValue"/>,
/// <see cref="SetValue"/>). The version block belongs to the replication family that wrote it
/// (multi-leader: the key's version vector and siblings); single-leader never writes one. A
/// tombstone is a deleted key kept for its versions: every read treats it as absent.
/// </summary>
public readonly ref struct StoredValue
{
    /// <summary>Set in the type byte when a version block follows the expiry.</summary>
    private const byte VersionBlockFlag = 0x40;

    /// <summary>Set in the type byte of a tombstone (always with a version block).</summary>
    private const byte TombstoneFlag = 0x20;

    private StoredValue(DataType type, long expiresAtMs, ReadOnlySpan<byte> versionBlock, bool hasVersionBlock, bool isTombstone, ReadOnlySpan<byte> payload)
    {
        Type = type;
        ExpiresAtMs = expiresAtMs;
        VersionBlock = versionBlock;
        HasVersionBlock = hasVersionBlock;
        IsTombstone = isTombstone;
        Payload = payload;
    }

    public DataType Type { get; }

    /// <summary>Absolute expiry in Unix milliseconds, or 0 when the key does not expire.</summary>
    public long ExpiresAtMs { get; }

    /// <summary>The replication family's version metadata, when <see cref="HasVersionBlock"/>.</summary>
    public ReadOnlySpan<byte> VersionBlock { get; }

    public bool HasVersionBlock { get; }

    /// <summary>A deleted key kept for its versions (multi-leader): reads see no key.</summary>
    public bool IsTombstone { get; }

    public ReadOnlySpan<byte> Payload { get; }

    public bool HasExpiry => ExpiresAtMs != 0;

    /// <summary>
    /// Redis's rule: a key is expired once the clock has passed its expiry time. A tombstone
    /// counts as expired too, so every read path that hides expired keys hides it.
    /// </summary>
    public bool IsExpiredAt(long nowMs) => IsTombstone || (ExpiresAtMs != 0 && nowMs > ExpiresAtMs);

    public static StoredValue Parse(ReadOnlySpan<byte> encoded)
    {
        var reader = new ByteReader(encoded);
        var typeByte = reader.ReadByte();
        var hasBlock = (typeByte & VersionBlockFlag) != 0;
        var tombstone = (typeByte & TombstoneFlag) != 0;
        var type = (DataType)(typeByte & ~(VersionBlockFlag | TombstoneFlag));
        if (type is not (DataType.String or DataType.Hash or DataType.Set) || (tombstone && !hasBlock))
        {
            throw new CorruptDataException($"unknown value type {typeByte}");
        }
        var expiry = (long)reader.ReadVarUInt();
        var block = hasBlock ? reader.ReadLengthPrefixed() : default;
        return new StoredValue(type, expiry, block, hasBlock, tombstone, reader.Rest);
    }

    /// <summary>Whether an encoded value is a tombstone, from its first byte alone (for scans that parse nothing else).</summary>
    public static bool IsTombstoneRecord(ReadOnlySpan<byte> encoded) => encoded.Length > 0 && (encoded[0] & TombstoneFlag) != 0;

    /// <summary>Reads only the expiry of an encoded value.</summary>
    public static long ExpiryOf(ReadOnlySpan<byte> encoded) => Parse(encoded).ExpiresAtMs;

    public static void WriteHeader(IBufferWriter<byte> output, DataType type, long expiresAtMs)
    {
        var writer = new ByteWriter(output);
        writer.WriteByte((byte)type);
        writer.WriteVarUInt((ulong)expiresAtMs);
    }

    /// <summary>A header with a version block (a versioned record); a tombstone has an empty payload.</summary>
    public static void WriteHeader(IBufferWriter<byte> output, DataType type, long expiresAtMs, ReadOnlySpan<byte> versionBlock, bool tombstone = false)
    {
        var writer = new ByteWriter(output);
        writer.WriteByte((byte)((byte)type | VersionBlockFlag | (tombstone ? TombstoneFlag : 0)));
        writer.WriteVarUInt((ulong)expiresAtMs);
        writer.WriteLengthPrefixed(versionBlock);
    }

    /// <summary>The same value with another expiry (0 removes it); a version block is kept as it is.</summary>
    public static byte[] WithExpiry(ReadOnlySpan<byte> encoded, long expiresAtMs)
    {
        var value = Parse(encoded);
        var output = new ArrayBufferWriter<byte>(encoded.Length + 4);
        if (value.HasVersionBlock)
        {
            WriteHeader(output, value.Type, expiresAtMs, value.VersionBlock, value.IsTombstone);
        }
        else
        {
            WriteHeader(output, value.Type, expiresAtMs);
        }
        new ByteWriter(output).WriteRaw(value.Payload);
        return output.WrittenSpan.ToArray();
    }
}
