using Chorus.Core.Encoding;
using Chorus.Storage;

namespace Chorus.Commands.Physical;

/// <summary>
/// A physical (WAL shipping) log entry: the storage writes one client write made on the leader,
/// byte for byte (docs/log-formats.md, "Physical replication").
/// </summary>
/// <param name="StorageFormatVersion">The leader's storage format version: the bytes mean something only to a node with the same layout.</param>
/// <param name="BeforeDigest">xxHash64 of what the leader held, before the write, under the keyspace catalog and every key the writes touch (<see cref="PhysicalApplier.BeforeDigest"/>).</param>
public sealed record PhysicalBatch(uint StorageFormatVersion, ulong BeforeDigest, IReadOnlyList<StorageOp> Ops);

/// <summary>
/// The physical payload:
/// <code>
/// u8 version (1) | varint storage-format-version | u64be before-digest | varint count | op*
/// op := u8 kind (1 put, 2 delete, 3 delete-range) | u8 column | len+key | [len+value (put) | len+end (delete-range)]
/// </code>
/// The first two fields never move, so a node of any version can read which storage format an
/// entry was written for before it tries to read the rest.
/// </summary>
public static class PhysicalPayload
{
    public const byte Version = 1;

    /// <summary>Writes one entry may carry (a collection copy writes one per element, bounded by the write limits).</summary>
    private const int OpsMax = 16 * 1024 * 1024;

    public static byte[] Encode(PhysicalBatch batch)
    {
        var length = 1 + VarInt.Length(batch.StorageFormatVersion) + sizeof(ulong) + VarInt.Length((ulong)batch.Ops.Count);
        foreach (var op in batch.Ops)
        {
            length += 2 + VarInt.Length((ulong)op.Key.Length) + op.Key.Length;
            if (op.Kind != StorageOpKind.Delete)
            {
                length += VarInt.Length((ulong)op.Value.Length) + op.Value.Length;
            }
        }
        var output = new ExactBufferWriter(length);
        var writer = new ByteWriter(output);
        writer.WriteByte(Version);
        writer.WriteVarUInt(batch.StorageFormatVersion);
        writer.WriteUInt64BigEndian(batch.BeforeDigest);
        writer.WriteVarUInt((ulong)batch.Ops.Count);
        foreach (var op in batch.Ops)
        {
            writer.WriteByte((byte)op.Kind);
            writer.WriteByte((byte)op.Column);
            writer.WriteLengthPrefixed(op.Key);
            if (op.Kind != StorageOpKind.Delete)
            {
                writer.WriteLengthPrefixed(op.Value);
            }
        }
        return output.ToArray();
    }

    /// <summary>The storage format version an entry was written for (reads only the fixed header).</summary>
    public static uint ReadStorageFormatVersion(ReadOnlySpan<byte> payload)
    {
        var reader = new ByteReader(payload);
        FormatCheck.Version(reader.ReadByte(), Version, "physical payload");
        var version = reader.ReadVarUInt();
        return version <= uint.MaxValue ? (uint)version : throw new CorruptDataException($"storage format version {version} in a physical payload is out of range");
    }

    public static PhysicalBatch Decode(ReadOnlySpan<byte> payload)
    {
        var storageVersion = ReadStorageFormatVersion(payload);
        var reader = new ByteReader(payload);
        reader.ReadByte();
        reader.ReadVarUInt();
        var digest = reader.ReadUInt64BigEndian();
        var count = reader.ReadLength(OpsMax);
        var ops = new List<StorageOp>(Math.Min(count, 1024));
        for (var i = 0; i < count; i++)
        {
            ops.Add(ReadOp(ref reader));
        }
        FormatCheck.End(reader, "physical payload");
        return new PhysicalBatch(storageVersion, digest, ops);
    }

    private static StorageOp ReadOp(ref ByteReader reader)
    {
        var kind = (StorageOpKind)reader.ReadByte();
        if (!Enum.IsDefined(kind))
        {
            throw new CorruptDataException($"unknown physical write kind {(byte)kind}");
        }
        var column = (StorageColumn)reader.ReadByte();
        if (!Shipped(column))
        {
            // The log, the metadata and node-local records are each node's own: a physical entry
            // (from a bug or a hostile peer) that would write them is refused, never applied.
            throw new CorruptDataException($"a physical entry may write only the data, expiry and elements columns, not column {(byte)column}");
        }
        var key = reader.ReadLengthPrefixed().ToArray();
        var value = kind == StorageOpKind.Delete ? [] : reader.ReadLengthPrefixed().ToArray();
        return new StorageOp(kind, column, key, value);
    }

    /// <summary>The columns a physical entry carries: the keyspace, never the log, metadata or node-local records.</summary>
    public static bool Shipped(StorageColumn column) => column is StorageColumn.Data or StorageColumn.Expiry or StorageColumn.Elements;
}
