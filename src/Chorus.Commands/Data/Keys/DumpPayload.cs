using System.Buffers;
using System.Buffers.Binary;
using System.IO.Hashing;
using Chorus.Commands.Data.SortedSets;
using Chorus.Commands.Execution;
using Chorus.Commands.Keyspace;
using Chorus.Commands.Values;
using Chorus.Core.Encoding;

namespace Chorus.Commands.Data.Keys;

/// <summary>
/// Chorus's own DUMP serialization, which DUMP wrote before it wrote Redis's (<see cref="Rdb.RdbPayload"/>);
/// RESTORE still accepts it:
/// <code>
/// u8 type | body | u16 LE format version (1) | u64 LE xxHash64 of everything before it
/// string: len+bytes; hash: varint n (len+field len+value)*; set: varint n (len+member)*
/// sorted set: varint n (len+member f64 LE)*; list: varint n (len+element)*
/// </code>
/// RESTORE refuses anything whose version or checksum is wrong (a Redis payload, a truncated or
/// altered one) with Redis's error, and a payload that passes those checks but does not decode
/// with "Bad data format".
/// </summary>
internal static class DumpPayload
{
    public const ushort FormatVersion = 1;

    private const int FooterLength = sizeof(ushort) + sizeof(ulong);

    /// <summary>A decoded value: a string's bytes, or a collection's elements (a sorted set's with scores).</summary>
    public sealed record Value(DataType Type, byte[] Text, List<(byte[] Name, byte[] Value, double Score)> Elements)
    {
        /// <summary>A stream's entries, metadata and consumer groups (Redis's payload only).</summary>
        public Rdb.RdbStream? Stream { get; init; }
    }

    public enum Status
    {
        Ok,
        VersionOrChecksum,
        BadFormat,
    }

    /// <summary>The value of <paramref name="record"/>, read in full: what DUMP serializes.</summary>
    public static Value Read(IKeyspaceView view, KeyRecord record)
    {
        switch (record.Type)
        {
            case DataType.String:
                return new Value(DataType.String, record.Payload.ToArray(), []);
            case DataType.SortedSet:
                var members = SortedSetReads.ByRank(view, record.CollectionId, 0, record.Count - 1, reverse: false);
                return new Value(DataType.SortedSet, [], [.. members.Select(m => (m.Member, Array.Empty<byte>(), m.Score))]);
        }
        var elements = new List<(byte[] Name, byte[] Value, double Score)>();
        using var cursor = view.OpenElements(record.CollectionId);
        for (cursor.SeekToFirst(); cursor.Valid; cursor.Next())
        {
            var name = record.Type == DataType.List ? [] : ElementKey.NameOf(cursor.SubKey).ToArray();
            elements.Add((name, record.Type == DataType.Set ? [] : cursor.Value.ToArray(), 0));
        }
        return new Value(record.Type, [], elements);
    }

    /// <summary>
    /// Chorus's own payload, which DUMP wrote before it wrote Redis's: RESTORE still takes it
    /// (a client may have kept one); only tests write it now.
    /// </summary>
    public static byte[] Encode(Value value)
    {
        var output = new ArrayBufferWriter<byte>(64);
        var writer = new ByteWriter(output);
        writer.WriteByte((byte)value.Type);
        if (value.Type == DataType.String)
        {
            writer.WriteLengthPrefixed(value.Text);
        }
        else
        {
            writer.WriteVarUInt((ulong)value.Elements.Count);
            foreach (var (name, element, score) in value.Elements)
            {
                if (value.Type != DataType.List)
                {
                    writer.WriteLengthPrefixed(name);
                }
                if (value.Type is DataType.Hash or DataType.List)
                {
                    writer.WriteLengthPrefixed(element);
                }
                if (value.Type == DataType.SortedSet)
                {
                    writer.WriteInt64LittleEndian(BitConverter.DoubleToInt64Bits(score));
                }
            }
        }
        Span<byte> version = stackalloc byte[sizeof(ushort)];
        BinaryPrimitives.WriteUInt16LittleEndian(version, FormatVersion);
        writer.WriteRaw(version);
        writer.WriteUInt64LittleEndian(XxHash64.HashToUInt64(output.WrittenSpan));
        return output.WrittenSpan.ToArray();
    }

    public static Status TryDecode(ReadOnlySpan<byte> payload, out Value? value)
    {
        value = null;
        if (payload.Length < 1 + FooterLength)
        {
            return Status.VersionOrChecksum;
        }
        var body = payload[..^FooterLength];
        if (BinaryPrimitives.ReadUInt16LittleEndian(payload[^FooterLength..]) != FormatVersion
            || BinaryPrimitives.ReadUInt64LittleEndian(payload[^sizeof(ulong)..]) != XxHash64.HashToUInt64(payload[..^sizeof(ulong)]))
        {
            return Status.VersionOrChecksum;
        }
        try
        {
            value = Decode(body);
            return Status.Ok;
        }
        catch (CorruptDataException)
        {
            return Status.BadFormat;
        }
    }

    private static Value Decode(ReadOnlySpan<byte> body)
    {
        var reader = new ByteReader(body);
        var type = (DataType)reader.ReadByte();
        if (!DataTypes.IsKnown((byte)type) || type == DataType.Stream)
        {
            throw new CorruptDataException($"unknown type {(byte)type}");
        }
        if (type == DataType.String)
        {
            var text = reader.ReadLengthPrefixed().ToArray();
            return reader.IsEnd ? new Value(type, text, []) : throw new CorruptDataException("trailing bytes");
        }
        var count = reader.ReadLength();
        if (count == 0)
        {
            throw new CorruptDataException("an empty collection");
        }
        var elements = new List<(byte[] Name, byte[] Value, double Score)>(Math.Min(count, 1024));
        for (var i = 0; i < count; i++)
        {
            var name = type == DataType.List ? [] : reader.ReadLengthPrefixed().ToArray();
            var element = type is DataType.Hash or DataType.List ? reader.ReadLengthPrefixed().ToArray() : [];
            var score = type == DataType.SortedSet ? BitConverter.Int64BitsToDouble(reader.ReadInt64LittleEndian()) : 0;
            if (double.IsNaN(score))
            {
                throw new CorruptDataException("a NaN score");
            }
            elements.Add((name, element, score));
        }
        return reader.IsEnd ? new Value(type, [], elements) : throw new CorruptDataException("trailing bytes");
    }
}
