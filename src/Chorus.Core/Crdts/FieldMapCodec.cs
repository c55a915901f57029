using System.Buffers;
using Chorus.Core.Encoding;
using Chorus.Core.Versions;

namespace Chorus.Core.Crdts;

/// <summary>
/// The binary form of the replicated hashes (<see cref="LwwFieldMap"/>, <see cref="MultiValueFieldMap"/>).
/// <code>
/// u8 format (1 = LWW fields, 2 = multi-value fields) | id table
/// | varint fields | (len+field | embedded register)*        fields sorted bytewise
/// </code>
/// Registers are the embedded forms of <see cref="LwwRegisterCodec"/> and
/// <see cref="DottedVersionVectorSetCodec"/> with tombstones as <see cref="ValueCodec.BytesOrTombstone"/>;
/// the site ids of every field share the one table.
/// </summary>
public static class FieldMapCodec
{
    public const byte LwwFormat = 1;
    public const byte MultiValueFormat = 2;

    private static readonly ValueCodec<byte[]?> Values = ValueCodec.BytesOrTombstone;

    public static byte[] Encode(LwwFieldMap map) => Encode(map, LwwFormat,
        static (table, r) => LwwRegisterCodec.AddIds(table, r),
        static (writer, r, table) => LwwRegisterCodec.WriteEmbedded(writer, r, table, Values));

    public static byte[] Encode(MultiValueFieldMap map) => Encode(map, MultiValueFormat,
        static (table, r) => DottedVersionVectorSetCodec.AddIds(table, r),
        static (writer, r, table) => DottedVersionVectorSetCodec.WriteEmbedded(writer, r, table, Values));

    public static LwwFieldMap DecodeLww(ReadOnlySpan<byte> encoded) =>
        Decode(encoded, new LwwFieldMap(), LwwFormat, static (ref reader, table) => LwwRegisterCodec.ReadEmbedded(ref reader, table, Values));

    public static MultiValueFieldMap DecodeMultiValue(ReadOnlySpan<byte> encoded) =>
        Decode(encoded, new MultiValueFieldMap(), MultiValueFormat, static (ref reader, table) =>
        {
            var register = DottedVersionVectorSetCodec.ReadEmbedded(ref reader, table, Values);
            return register.SiblingCount > 0 ? register : throw new CorruptDataException("a field without values");
        });

    private delegate TRegister ReadRegister<TRegister>(ref ByteReader reader, NodeIdTable table);

    private static byte[] Encode<TRegister>(
        FieldMap<TRegister> map, byte format,
        Action<NodeIdTable, TRegister> addIds,
        Action<ByteWriter, TRegister, NodeIdTable> writeRegister)
        where TRegister : class
    {
        var buffer = new ArrayBufferWriter<byte>(64);
        var writer = new ByteWriter(buffer);
        writer.WriteByte(format);
        var fields = map.Registers.ToArray();
        Array.Sort(fields, static (a, b) => a.Key.AsSpan().SequenceCompareTo(b.Key));
        var table = new NodeIdTable();
        foreach (var (_, register) in fields)
        {
            addIds(table, register);
        }
        table.Write(writer);
        writer.WriteVarUInt((ulong)fields.Length);
        foreach (var (field, register) in fields)
        {
            writer.WriteLengthPrefixed(field);
            writeRegister(writer, register, table);
        }
        return buffer.WrittenSpan.ToArray();
    }

    private static TMap Decode<TMap, TRegister>(ReadOnlySpan<byte> encoded, TMap map, byte format, ReadRegister<TRegister> readRegister)
        where TMap : FieldMap<TRegister>
        where TRegister : class
    {
        var reader = new ByteReader(encoded);
        FormatCheck.Version(reader.ReadByte(), format, "replicated hash");
        var table = NodeIdTable.Read(ref reader);
        var count = reader.ReadLength();
        var previous = ReadOnlySpan<byte>.Empty;
        for (var i = 0; i < count; i++)
        {
            var field = reader.ReadLengthPrefixed();
            if (i > 0 && previous.SequenceCompareTo(field) >= 0)
            {
                throw new CorruptDataException("hash fields are not sorted and distinct");
            }
            map.Restore(field.ToArray(), readRegister(ref reader, table));
            previous = field;
        }
        FormatCheck.End(reader, "replicated hash");
        return map;
    }
}
