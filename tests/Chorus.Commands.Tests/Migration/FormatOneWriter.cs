using System.Buffers;
using System.Buffers.Binary;
using System.IO.Hashing;
using Chorus.Core.Encoding;
using Chorus.Storage;

namespace Chorus.Commands.Tests.Migration;

/// <summary>
/// Writes data exactly as storage format 1 did (Chorus before docs/storage-layout.md format 2; the
/// byte layout of main's StoredKey, StoredValue, HashValue, SetValue, ExpiryIndexKey and
/// LogicalPayload version 1), kept here so the migration is tested against the real old format.
/// </summary>
internal static class FormatOneWriter
{
    public const byte StringType = 1;
    public const byte HashType = 2;
    public const byte SetType = 3;

    /// <summary>A key as format 1 stored it: xxHash64(key) >> 1, big-endian, then the key.</summary>
    public static byte[] StoredKey(byte[] key)
    {
        var stored = new byte[8 + key.Length];
        BinaryPrimitives.WriteUInt64BigEndian(stored, XxHash64.HashToUInt64(key) >> 1);
        key.CopyTo(stored, 8);
        return stored;
    }

    public static byte[] String(byte[] value, long expiresAtMs) => Value(StringType, expiresAtMs, w => w.WriteRaw(value));

    public static byte[] Hash(IReadOnlyList<(byte[] Field, byte[] Value)> fields, long expiresAtMs) => Value(HashType, expiresAtMs, w =>
    {
        w.WriteVarUInt((ulong)fields.Count);
        foreach (var (field, value) in fields)
        {
            w.WriteLengthPrefixed(field);
            w.WriteLengthPrefixed(value);
        }
    });

    public static byte[] Set(IReadOnlyList<byte[]> members, long expiresAtMs) => Value(SetType, expiresAtMs, w =>
    {
        w.WriteVarUInt((ulong)members.Count);
        foreach (var member in members)
        {
            w.WriteLengthPrefixed(member);
        }
    });

    /// <summary>Stores a value and, when it expires, its expiry index entry (8-byte time, then the key).</summary>
    public static void Put(IStorageBatch batch, byte[] key, byte[] value, long expiresAtMs)
    {
        batch.Put(StorageColumn.Data, StoredKey(key), value);
        if (expiresAtMs != 0)
        {
            var index = new byte[8 + key.Length];
            BinaryPrimitives.WriteInt64BigEndian(index, expiresAtMs);
            key.CopyTo(index, 8);
            batch.Put(StorageColumn.Expiry, index, []);
        }
    }

    /// <summary>A format-1 logical payload: <c>u8 1 | varint count | change*</c>, built by <paramref name="changes"/>.</summary>
    public static byte[] Payload(int count, Action<ByteWriter> changes)
    {
        var output = new ArrayBufferWriter<byte>();
        var writer = new ByteWriter(output);
        writer.WriteByte(1);
        writer.WriteVarUInt((ulong)count);
        changes(writer);
        return output.WrittenSpan.ToArray();
    }

    private static byte[] Value(byte type, long expiresAtMs, Action<ByteWriter> payload)
    {
        var output = new ArrayBufferWriter<byte>();
        var writer = new ByteWriter(output);
        writer.WriteByte(type);
        writer.WriteVarUInt((ulong)expiresAtMs);
        payload(writer);
        return output.WrittenSpan.ToArray();
    }
}
