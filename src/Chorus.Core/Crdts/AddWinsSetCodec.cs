using System.Buffers;
using Chorus.Core.Encoding;
using Chorus.Core.Versions;

namespace Chorus.Core.Crdts;

/// <summary>
/// The binary form of an <see cref="AddWinsSet"/>.
/// <code>
/// u8 format (1) | id table (the context's ids) | varint counter per table id (the context)
/// | varint members | (len+member | varint k | (varint id reference | varint counter)*k)*
/// </code>
/// Members are sorted bytewise and their dots by (id, counter), so equal states are equal bytes.
/// Ten 8-byte members added at one site take 127 bytes: 12 per member, 7 for the rest.
/// </summary>
public static class AddWinsSetCodec
{
    public const byte FormatVersion = 1;

    public static byte[] Encode(AddWinsSet set)
    {
        var buffer = new ArrayBufferWriter<byte>(16 + (set.Count * 16));
        Write(buffer, set);
        return buffer.WrittenSpan.ToArray();
    }

    public static void Write(IBufferWriter<byte> output, AddWinsSet set)
    {
        var writer = new ByteWriter(output);
        writer.WriteByte(FormatVersion);
        var table = new NodeIdTable();
        VersionVectorCodec.AddIds(table, set.Context);
        table.Write(writer);
        foreach (var entry in set.Context.Entries)
        {
            writer.WriteVarUInt(entry.Counter);
        }
        var members = set.Entries.ToArray();
        Array.Sort(members, static (a, b) => a.Key.AsSpan().SequenceCompareTo(b.Key));
        writer.WriteVarUInt((ulong)members.Length);
        foreach (var (member, dots) in members)
        {
            writer.WriteLengthPrefixed(member);
            writer.WriteVarUInt((ulong)dots.Length);
            foreach (var dot in dots)
            {
                table.WriteReference(writer, dot.Node);
                writer.WriteVarUInt(dot.Counter);
            }
        }
    }

    public static AddWinsSet Decode(ReadOnlySpan<byte> encoded)
    {
        var reader = new ByteReader(encoded);
        FormatCheck.Version(reader.ReadByte(), FormatVersion, "add-wins set");
        var table = NodeIdTable.Read(ref reader);
        var context = new Dot[table.Count];
        for (var i = 0; i < context.Length; i++)
        {
            context[i] = new Dot(table[i], VersionVectorCodec.ReadCounter(ref reader));
        }
        var set = new AddWinsSet();
        set.RestoreContext(VersionVector.FromSorted(context));
        var count = reader.ReadLength();
        var previous = ReadOnlySpan<byte>.Empty;
        for (var i = 0; i < count; i++)
        {
            var member = reader.ReadLengthPrefixed();
            if (i > 0 && previous.SequenceCompareTo(member) >= 0)
            {
                throw new CorruptDataException("set members are not sorted and distinct");
            }
            set.Restore(member.ToArray(), ReadDots(ref reader, table, set.Context));
            previous = member;
        }
        FormatCheck.End(reader, "add-wins set");
        return set;
    }

    private static Dot[] ReadDots(ref ByteReader reader, NodeIdTable table, VersionVector context)
    {
        var dots = new Dot[reader.ReadLength()];
        if (dots.Length == 0)
        {
            throw new CorruptDataException("a set member without dots");
        }
        for (var k = 0; k < dots.Length; k++)
        {
            dots[k] = new Dot(table.ReadReference(ref reader), VersionVectorCodec.ReadCounter(ref reader));
            if (!context.Contains(dots[k]))
            {
                throw new CorruptDataException($"dot {dots[k]} is outside the set's context {context}");
            }
            if (k > 0 && AddWinsSet.CompareDots(dots[k - 1], dots[k]) >= 0)
            {
                throw new CorruptDataException("a member's dots are not sorted and distinct");
            }
        }
        return dots;
    }
}
