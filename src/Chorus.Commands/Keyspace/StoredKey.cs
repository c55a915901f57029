using System.Buffers.Binary;
using Chorus.Core;

namespace Chorus.Commands.Keyspace;

/// <summary>
/// How a user key is laid out in the data column: a 4-byte big-endian physical database id, an
/// 8-byte big-endian hash, then the key (docs/storage-layout.md, "Key records").
/// <para>
/// Ordering each database by hash gives SCAN a stable integer cursor (the next hash to visit),
/// spreads keys evenly for hash-range partitioning, and lets anti-entropy compare hash ranges.
/// The hash is xxHash64 shifted right by one, so it (and every cursor) fits in a signed 64-bit
/// integer, which is how most clients parse SCAN cursors.
/// </para>
/// </summary>
public static class StoredKey
{
    /// <summary>Physical database id, then hash.</summary>
    public const int PrefixLength = PhysicalDb.Length + 8;

    /// <summary>Keys up to this length are built on the stack.</summary>
    public const int StackLengthMax = 256;

    public static ulong Hash(ReadOnlySpan<byte> key) => KeyHash.Of(key);

    public static int Length(ReadOnlySpan<byte> key) => PrefixLength + key.Length;

    public static void Write(Span<byte> destination, uint db, ReadOnlySpan<byte> key)
    {
        BinaryPrimitives.WriteUInt32BigEndian(destination, db);
        BinaryPrimitives.WriteUInt64BigEndian(destination[PhysicalDb.Length..], Hash(key));
        key.CopyTo(destination[PrefixLength..]);
    }

    public static byte[] Create(uint db, ReadOnlySpan<byte> key)
    {
        var stored = new byte[Length(key)];
        Write(stored, db, key);
        return stored;
    }

    public static ReadOnlySpan<byte> UserKey(ReadOnlySpan<byte> stored) => stored[PrefixLength..];

    public static uint DbOf(ReadOnlySpan<byte> stored) => BinaryPrimitives.ReadUInt32BigEndian(stored);

    public static ulong HashOf(ReadOnlySpan<byte> stored) => BinaryPrimitives.ReadUInt64BigEndian(stored[PhysicalDb.Length..]);

    /// <summary>The smallest stored key of database <paramref name="db"/> whose hash is <paramref name="hash"/> (a seek target).</summary>
    public static byte[] SeekTarget(uint db, ulong hash)
    {
        var target = new byte[PrefixLength];
        BinaryPrimitives.WriteUInt32BigEndian(target, db);
        BinaryPrimitives.WriteUInt64BigEndian(target.AsSpan(PhysicalDb.Length), hash);
        return target;
    }
}
