using System.Buffers;
using Chorus.Core.Encoding;

namespace Chorus.Commands.Values;

/// <summary>
/// A decoded view of a stored value: <c>u8 type | varint expiry (Unix ms, 0 = none) | payload</c>.
/// The payload layout depends on the type (see <see cref="StringValue"/>, <see cref="HashValue"/>,
/// <see cref="SetValue"/>).
/// </summary>
public readonly ref struct StoredValue
{
    private StoredValue(DataType type, long expiresAtMs, ReadOnlySpan<byte> payload)
    {
        Type = type;
        ExpiresAtMs = expiresAtMs;
        Payload = payload;
    }

    public DataType Type { get; }

    /// <summary>Absolute expiry in Unix milliseconds, or 0 when the key does not expire.</summary>
    public long ExpiresAtMs { get; }

    public ReadOnlySpan<byte> Payload { get; }

    public bool HasExpiry => ExpiresAtMs != 0;

    /// <summary>Redis's rule: a key is expired once the clock has passed its expiry time.</summary>
    public bool IsExpiredAt(long nowMs) => ExpiresAtMs != 0 && nowMs > ExpiresAtMs;

    public static StoredValue Parse(ReadOnlySpan<byte> encoded)
    {
        var reader = new ByteReader(encoded);
        var type = (DataType)reader.ReadByte();
        if (type is not (DataType.String or DataType.Hash or DataType.Set))
        {
            throw new CorruptDataException($"unknown value type {(byte)type}");
        }
        var expiry = (long)reader.ReadVarUInt();
        return new StoredValue(type, expiry, reader.Rest);
    }

    /// <summary>Reads only the expiry of an encoded value.</summary>
    public static long ExpiryOf(ReadOnlySpan<byte> encoded) => Parse(encoded).ExpiresAtMs;

    public static void WriteHeader(IBufferWriter<byte> output, DataType type, long expiresAtMs)
    {
        var writer = new ByteWriter(output);
        writer.WriteByte((byte)type);
        writer.WriteVarUInt((ulong)expiresAtMs);
    }

    /// <summary>The same value with another expiry (0 removes it).</summary>
    public static byte[] WithExpiry(ReadOnlySpan<byte> encoded, long expiresAtMs)
    {
        var value = Parse(encoded);
        var output = new ArrayBufferWriter<byte>(encoded.Length + 4);
        WriteHeader(output, value.Type, expiresAtMs);
        new ByteWriter(output).WriteRaw(value.Payload);
        return output.WrittenSpan.ToArray();
    }
}
