using System.Buffers;
using Chorus.Core.Encoding;

namespace Chorus.Core.Versions;

/// <summary>
/// The binary form of a <see cref="VersionVector"/>.
/// <code>
/// standalone: u8 format (1) | varint n | (len+ascii id)*n, sorted | varint counter*n
/// embedded:   varint n | (varint id reference, varint counter)*n   (ids in the record's table)
/// </code>
/// A vector of three sites "n1".."n3" with small counters is 14 bytes standalone.
/// Decoding refuses unsorted or repeated ids and zero counters, so equal vectors are equal bytes.
/// </summary>
public static class VersionVectorCodec
{
    public const byte FormatVersion = 1;

    public static byte[] Encode(VersionVector vector)
    {
        var buffer = new ArrayBufferWriter<byte>(8 + (vector.Count * 8));
        Write(buffer, vector);
        return buffer.WrittenSpan.ToArray();
    }

    public static void Write(IBufferWriter<byte> output, VersionVector vector)
    {
        var writer = new ByteWriter(output);
        writer.WriteByte(FormatVersion);
        var table = new NodeIdTable();
        foreach (var entry in vector.Entries)
        {
            table.Add(entry.Node);
        }
        table.Write(writer);
        foreach (var entry in vector.Entries)
        {
            writer.WriteVarUInt(entry.Counter);
        }
    }

    public static VersionVector Decode(ReadOnlySpan<byte> encoded)
    {
        var reader = new ByteReader(encoded);
        FormatCheck.Version(reader.ReadByte(), FormatVersion, "version vector");
        var table = NodeIdTable.Read(ref reader);
        var entries = new Dot[table.Count];
        for (var i = 0; i < entries.Length; i++)
        {
            entries[i] = new Dot(table[i], ReadCounter(ref reader));
        }
        FormatCheck.End(reader, "version vector");
        return VersionVector.FromSorted(entries);
    }

    /// <summary>Adds the vector's ids to a record's table, before the table is written.</summary>
    public static void AddIds(NodeIdTable table, VersionVector vector)
    {
        foreach (var entry in vector.Entries)
        {
            table.Add(entry.Node);
        }
    }

    public static void WriteEmbedded(ByteWriter writer, VersionVector vector, NodeIdTable table)
    {
        writer.WriteVarUInt((ulong)vector.Count);
        foreach (var entry in vector.Entries)
        {
            table.WriteReference(writer, entry.Node);
            writer.WriteVarUInt(entry.Counter);
        }
    }

    public static VersionVector ReadEmbedded(ref ByteReader reader, NodeIdTable table)
    {
        var entries = new Dot[reader.ReadLength(table.Count)];
        for (var i = 0; i < entries.Length; i++)
        {
            var node = table.ReadReference(ref reader);
            if (i > 0 && VersionVector.CompareIds(entries[i - 1].Node, node) >= 0)
            {
                throw new CorruptDataException("version vector ids are not sorted and distinct");
            }
            entries[i] = new Dot(node, ReadCounter(ref reader));
        }
        return VersionVector.FromSorted(entries);
    }

    /// <summary>A counter of a vector or a dot: events are numbered from one.</summary>
    public static ulong ReadCounter(ref ByteReader reader)
    {
        var counter = reader.ReadVarUInt();
        return counter > 0 ? counter : throw new CorruptDataException("event counter is zero");
    }
}
