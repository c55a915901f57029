using System.Buffers.Binary;
using Chorus.Core;

namespace Chorus.Commands.Keyspace;

/// <summary>
/// How a user key is laid out in the data column: an 8-byte big-endian hash prefix, then the key.
/// <para>
/// Ordering the keyspace by hash gives SCAN a stable integer cursor (the next hash to visit),
/// spreads keys evenly for hash-range partitioning, and lets anti-entropy compare hash ranges.
/// The prefix is xxHash64 shifted right by one, so it (and every cursor) fits in a signed
/// 64-bit integer, which is how most clients parse SCAN cursors.
/// </para>
/// </summary>
public static class StoredKey
{
    public const int PrefixLength = 8;

    /// <summary>Keys up to this length are built on the stack.</summary>
    public const int StackLengthMax = 256;

    public static ulong Hash(ReadOnlySpan<byte> key) => KeyHash.Of(key);

    public static int Length(ReadOnlySpan<byte> key) => PrefixLength + key.Length;

    public static void Write(Span<byte> destination, ReadOnlySpan<byte> key)
    {
        BinaryPrimitives.WriteUInt64BigEndian(destination, Hash(key));
        key.CopyTo(destination[PrefixLength..]);
    }

    public static byte[] Create(ReadOnlySpan<byte> key)
    {
        var stored = new byte[Length(key)];
        Write(stored, key);
        return stored;
    }

    public static ReadOnlySpan<byte> UserKey(ReadOnlySpan<byte> stored) => stored[PrefixLength..];

    public static ulong HashOf(ReadOnlySpan<byte> stored) => BinaryPrimitives.ReadUInt64BigEndian(stored);

    /// <summary>The smallest stored key whose hash prefix is <paramref name="hash"/> (a seek target).</summary>
    public static byte[] SeekTarget(ulong hash)
    {
        var target = new byte[PrefixLength];
        BinaryPrimitives.WriteUInt64BigEndian(target, hash);
        return target;
    }
}
