using System.Buffers.Binary;

namespace Chorus.Commands.Keyspace;

/// <summary>
/// Key layout of the expiry index column: 8-byte big-endian expiry time (Unix ms), then the
/// user key. Iterating from the start yields keys in the order they fall due.
/// </summary>
public static class ExpiryIndexKey
{
    public const int PrefixLength = 8;

    public static byte[] Create(long expiresAtMs, ReadOnlySpan<byte> key)
    {
        var indexKey = new byte[PrefixLength + key.Length];
        BinaryPrimitives.WriteInt64BigEndian(indexKey, expiresAtMs);
        key.CopyTo(indexKey.AsSpan(PrefixLength));
        return indexKey;
    }

    public static long ExpiresAtMs(ReadOnlySpan<byte> indexKey) => BinaryPrimitives.ReadInt64BigEndian(indexKey);

    public static ReadOnlySpan<byte> UserKey(ReadOnlySpan<byte> indexKey) => indexKey[PrefixLength..];
}
