using System.Buffers;
using Chorus.Core.Encoding;

namespace Chorus.Core.Versions;

/// <summary>
/// The binary form of an <see cref="LwwRegister{T}"/>.
/// <code>
/// standalone: u8 format (1) | id table | body
/// body:       varint origin reference | u64le hlc timestamp | embedded version vector | value
/// </code>
/// A register written at "n1" with a three-site version is 25 bytes plus the value.
/// </summary>
public static class LwwRegisterCodec
{
    public const byte FormatVersion = 1;

    public static byte[] Encode<T>(LwwRegister<T> register, ValueCodec<T> values)
    {
        var buffer = new ArrayBufferWriter<byte>(64);
        Write(buffer, register, values);
        return buffer.WrittenSpan.ToArray();
    }

    public static void Write<T>(IBufferWriter<byte> output, LwwRegister<T> register, ValueCodec<T> values)
    {
        var writer = new ByteWriter(output);
        writer.WriteByte(FormatVersion);
        var table = new NodeIdTable();
        AddIds(table, register);
        table.Write(writer);
        WriteEmbedded(writer, register, table, values);
    }

    public static LwwRegister<T> Decode<T>(ReadOnlySpan<byte> encoded, ValueCodec<T> values)
    {
        var reader = new ByteReader(encoded);
        FormatCheck.Version(reader.ReadByte(), FormatVersion, "LWW register");
        var table = NodeIdTable.Read(ref reader);
        var register = ReadEmbedded(ref reader, table, values);
        FormatCheck.End(reader, "LWW register");
        return register;
    }

    public static void AddIds<T>(NodeIdTable table, LwwRegister<T> register)
    {
        table.Add(register.Origin);
        VersionVectorCodec.AddIds(table, register.Version);
    }

    public static void WriteEmbedded<T>(ByteWriter writer, LwwRegister<T> register, NodeIdTable table, ValueCodec<T> values)
    {
        table.WriteReference(writer, register.Origin);
        writer.WriteUInt64LittleEndian(register.Timestamp.Packed);
        VersionVectorCodec.WriteEmbedded(writer, register.Version, table);
        values.Write(writer, register.Value);
    }

    public static LwwRegister<T> ReadEmbedded<T>(ref ByteReader reader, NodeIdTable table, ValueCodec<T> values)
    {
        var origin = table.ReadReference(ref reader);
        var timestamp = new HlcTimestamp(reader.ReadUInt64LittleEndian());
        var version = VersionVectorCodec.ReadEmbedded(ref reader, table);
        if (version[origin] == 0)
        {
            throw new CorruptDataException($"LWW register from {origin} has a version without {origin}'s write");
        }
        return new LwwRegister<T>(values.Read(ref reader), timestamp, origin, version);
    }
}
