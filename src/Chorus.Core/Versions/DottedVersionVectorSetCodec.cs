using System.Buffers;
using Chorus.Core.Encoding;

namespace Chorus.Core.Versions;

/// <summary>
/// The binary form of a <see cref="DottedVersionVectorSet{T}"/>, stored in a key's record and
/// sent between replicas.
/// <code>
/// standalone: u8 format (1) | id table | (varint counter | varint k | value*k)   per table id, in order
/// embedded:   varint entries | (varint id reference | varint counter | varint k | value*k)*
/// </code>
/// The k values of an id are its newest events, newest first (dots counter, counter−1, …).
/// Two siblings from "n1" and "n2" under a three-node context cost 17 bytes plus the values
/// (1 + length each for byte strings).
/// </summary>
public static class DottedVersionVectorSetCodec
{
    public const byte FormatVersion = 1;

    public static byte[] Encode<T>(DottedVersionVectorSet<T> set, ValueCodec<T> values)
    {
        var buffer = new ArrayBufferWriter<byte>(64);
        Write(buffer, set, values);
        return buffer.WrittenSpan.ToArray();
    }

    public static void Write<T>(IBufferWriter<byte> output, DottedVersionVectorSet<T> set, ValueCodec<T> values)
    {
        var writer = new ByteWriter(output);
        writer.WriteByte(FormatVersion);
        var table = new NodeIdTable();
        AddIds(table, set);
        table.Write(writer);
        foreach (var entry in set.Entries)
        {
            WriteEntryBody(writer, entry, values);
        }
    }

    public static DottedVersionVectorSet<T> Decode<T>(ReadOnlySpan<byte> encoded, ValueCodec<T> values)
    {
        var reader = new ByteReader(encoded);
        FormatCheck.Version(reader.ReadByte(), FormatVersion, "dotted version vector set");
        var table = NodeIdTable.Read(ref reader);
        var entries = new DottedVersionVectorSet<T>.Entry[table.Count];
        for (var i = 0; i < entries.Length; i++)
        {
            entries[i] = ReadEntryBody(ref reader, table[i], values);
        }
        FormatCheck.End(reader, "dotted version vector set");
        return DottedVersionVectorSet<T>.FromSorted(entries);
    }

    public static void AddIds<T>(NodeIdTable table, DottedVersionVectorSet<T> set)
    {
        foreach (var entry in set.Entries)
        {
            table.Add(entry.Node);
        }
    }

    public static void WriteEmbedded<T>(ByteWriter writer, DottedVersionVectorSet<T> set, NodeIdTable table, ValueCodec<T> values)
    {
        writer.WriteVarUInt((ulong)set.Entries.Length);
        foreach (var entry in set.Entries)
        {
            table.WriteReference(writer, entry.Node);
            WriteEntryBody(writer, entry, values);
        }
    }

    public static DottedVersionVectorSet<T> ReadEmbedded<T>(ref ByteReader reader, NodeIdTable table, ValueCodec<T> values)
    {
        var entries = new DottedVersionVectorSet<T>.Entry[reader.ReadLength(table.Count)];
        for (var i = 0; i < entries.Length; i++)
        {
            var node = table.ReadReference(ref reader);
            if (i > 0 && VersionVector.CompareIds(entries[i - 1].Node, node) >= 0)
            {
                throw new CorruptDataException("sibling set ids are not sorted and distinct");
            }
            entries[i] = ReadEntryBody(ref reader, node, values);
        }
        return DottedVersionVectorSet<T>.FromSorted(entries);
    }

    private static void WriteEntryBody<T>(ByteWriter writer, DottedVersionVectorSet<T>.Entry entry, ValueCodec<T> values)
    {
        writer.WriteVarUInt(entry.Counter);
        writer.WriteVarUInt((ulong)entry.Values.Length);
        foreach (var value in entry.Values)
        {
            values.Write(writer, value);
        }
    }

    private static DottedVersionVectorSet<T>.Entry ReadEntryBody<T>(ref ByteReader reader, NodeId node, ValueCodec<T> values)
    {
        var counter = VersionVectorCodec.ReadCounter(ref reader);
        var count = reader.ReadLength();
        if ((ulong)count > counter)
        {
            throw new CorruptDataException($"{count} siblings from {node} but only {counter} events");
        }
        var read = new T[count];
        for (var k = 0; k < count; k++)
        {
            read[k] = values.Read(ref reader);
        }
        return new DottedVersionVectorSet<T>.Entry(node, counter, read);
    }
}
