using System.Buffers;
using System.IO.Hashing;
using Chorus.Commands.Values;
using Chorus.Core.Encoding;
using Chorus.Storage;

namespace Chorus.Commands.Keyspace;

/// <summary>
/// A digest of every key, value and expiry in the data column, independent of the order of
/// hash fields and set members, so two replicas with the same logical state have the same
/// digest however they got there (applying, rolling back, or loading a snapshot).
/// </summary>
public static class KeyspaceDigest
{
    public readonly record struct Result(string Digest, long Keys);

    public static Result Compute(IStorageEngine storage)
    {
        var hash = new XxHash128();
        var canonical = new ArrayBufferWriter<byte>(256);
        long keys = 0;
        using var iterator = storage.NewIterator(StorageColumn.Data);
        for (iterator.SeekToFirst(); iterator.Valid; iterator.Next())
        {
            if (StoredValue.IsTombstoneRecord(iterator.Value))
            {
                continue; // a deleted key kept for its versions (multi-leader) is no data
            }
            canonical.Clear();
            WriteCanonical(canonical, StoredKey.UserKey(iterator.Key), iterator.Value);
            hash.Append(canonical.WrittenSpan);
            keys++;
        }
        return new Result(Convert.ToHexStringLower(hash.GetCurrentHash()), keys);
    }

    private static void WriteCanonical(IBufferWriter<byte> output, ReadOnlySpan<byte> key, ReadOnlySpan<byte> encoded)
    {
        var writer = new ByteWriter(output);
        var value = StoredValue.Parse(encoded);
        writer.WriteLengthPrefixed(key);
        writer.WriteByte((byte)value.Type);
        writer.WriteVarUInt((ulong)value.ExpiresAtMs);
        switch (value.Type)
        {
            case DataType.String:
                writer.WriteLengthPrefixed(value.Payload);
                break;
            case DataType.Hash:
                var fields = new List<(byte[] Field, byte[] Value)>();
                foreach (var pair in HashValue.Enumerate(value.Payload))
                {
                    fields.Add((pair.Field.ToArray(), pair.Value.ToArray()));
                }
                fields.Sort((a, b) => a.Field.AsSpan().SequenceCompareTo(b.Field));
                writer.WriteVarUInt((ulong)fields.Count);
                foreach (var (field, fieldValue) in fields)
                {
                    writer.WriteLengthPrefixed(field);
                    writer.WriteLengthPrefixed(fieldValue);
                }
                break;
            case DataType.Set:
                var members = new List<byte[]>();
                foreach (var member in SetValue.Enumerate(value.Payload))
                {
                    members.Add(member.ToArray());
                }
                members.Sort((a, b) => a.AsSpan().SequenceCompareTo(b));
                writer.WriteVarUInt((ulong)members.Count);
                foreach (var member in members)
                {
                    writer.WriteLengthPrefixed(member);
                }
                break;
        }
    }
}
