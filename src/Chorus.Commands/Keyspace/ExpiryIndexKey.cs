using System.Buffers.Binary;

namespace Chorus.Commands.Keyspace;

/// <summary>
/// Key layout of the expiry index column: 4-byte physical database id, 8-byte big-endian expiry
/// time (Unix ms), then the user key. Iterating a database's range from its start yields its keys
/// in the order they fall due; a flushed database's entries go with one range delete.
/// </summary>
public static class ExpiryIndexKey
{
    public const int PrefixLength = PhysicalDb.Length + 8;

    public static byte[] Create(uint db, long expiresAtMs, ReadOnlySpan<byte> key)
    {
        var indexKey = new byte[PrefixLength + key.Length];
        BinaryPrimitives.WriteUInt32BigEndian(indexKey, db);
        BinaryPrimitives.WriteInt64BigEndian(indexKey.AsSpan(PhysicalDb.Length), expiresAtMs);
        key.CopyTo(indexKey.AsSpan(PrefixLength));
        return indexKey;
    }

    public static uint DbOf(ReadOnlySpan<byte> indexKey) => BinaryPrimitives.ReadUInt32BigEndian(indexKey);

    public static long ExpiresAtMs(ReadOnlySpan<byte> indexKey) => BinaryPrimitives.ReadInt64BigEndian(indexKey[PhysicalDb.Length..]);

    public static ReadOnlySpan<byte> UserKey(ReadOnlySpan<byte> indexKey) => indexKey[PrefixLength..];
}
