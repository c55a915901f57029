using System.Buffers;
using Chorus.Core.Encoding;

namespace Chorus.Commands.Values;

/// <summary>
/// A decoded view of a stored value:
/// <c>u8 type (| 0x40 when a version block follows) | varint expiry (Unix ms, 0 = none) | [len+version-block] | payload</c>.
/// The payload layout depends on the type (see <see cref="StringValue"/>, <see cref="HashValue"/>,
/// <see cref="SetValue"/>). The version block belongs to the replication family that wrote it
/// (leaderless: the key's siblings and causal context); single-leader never writes one.
/// </summary>
public readonly ref struct StoredValue
{
    /// <summary>Set in the type byte when a version block follows the expiry.</summary>
    private const byte VersionBlockFlag = 0x40;

    private StoredValue(DataType type, long expiresAtMs, ReadOnlySpan<byte> versionBlock, bool hasVersionBlock, ReadOnlySpan<byte> payload)
    {
        Type = type;
        ExpiresAtMs = expiresAtMs;
        VersionBlock = versionBlock;
        HasVersionBlock = hasVersionBlock;
        Payload = payload;
    }

    public DataType Type { get; }

    /// <summary>Absolute expiry in Unix milliseconds, or 0 when the key does not expire.</summary>
    public long ExpiresAtMs { get; }

    /// <summary>The replication family's version metadata, when <see cref="HasVersionBlock"/>.</summary>
    public ReadOnlySpan<byte> VersionBlock { get; }

    public bool HasVersionBlock { get; }

    public ReadOnlySpan<byte> Payload { get; }

    public bool HasExpiry => ExpiresAtMs != 0;

    /// <summary>Redis's rule: a key is expired once the clock has passed its expiry time.</summary>
    public bool IsExpiredAt(long nowMs) => ExpiresAtMs != 0 && nowMs > ExpiresAtMs;

    public static StoredValue Parse(ReadOnlySpan<byte> encoded)
    {
        var reader = new ByteReader(encoded);
        var typeByte = reader.ReadByte();
        var hasBlock = (typeByte & VersionBlockFlag) != 0;
        var type = (DataType)(typeByte & ~VersionBlockFlag);
        if (type is not (DataType.String or DataType.Hash or DataType.Set))
        {
            throw new CorruptDataException($"unknown value type {typeByte}");
        }
        var expiry = (long)reader.ReadVarUInt();
        var block = hasBlock ? reader.ReadLengthPrefixed() : default;
        return new StoredValue(type, expiry, block, hasBlock, reader.Rest);
    }

    /// <summary>Reads only the expiry of an encoded value.</summary>
    public static long ExpiryOf(ReadOnlySpan<byte> encoded) => Parse(encoded).ExpiresAtMs;

    public static void WriteHeader(IBufferWriter<byte> output, DataType type, long expiresAtMs)
    {
        var writer = new ByteWriter(output);
        writer.WriteByte((byte)type);
        writer.WriteVarUInt((ulong)expiresAtMs);
    }

    /// <summary>A header with a version block (a versioned record: leaderless keys).</summary>
    public static void WriteHeader(IBufferWriter<byte> output, DataType type, long expiresAtMs, ReadOnlySpan<byte> versionBlock)
    {
        var writer = new ByteWriter(output);
        writer.WriteByte((byte)((byte)type | VersionBlockFlag));
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
            WriteHeader(output, value.Type, expiresAtMs, value.VersionBlock);
        }
        else
        {
            WriteHeader(output, value.Type, expiresAtMs);
        }
        new ByteWriter(output).WriteRaw(value.Payload);
        return output.WrittenSpan.ToArray();
    }
}
