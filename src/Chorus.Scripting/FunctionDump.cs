using System.Buffers;
using System.Buffers.Binary;
using System.IO.Hashing;
using Chorus.Core.Encoding;

namespace Chorus.Scripting;

/// <summary>
/// FUNCTION DUMP's payload, in Chorus's own format (not Redis's RDB, which holds Redis's internal
/// encodings): <c>u8 'F' | varint n | (len+code)* | u16 format version | u64 xxHash64</c>, little
/// endian, the same footer as Chorus's DUMP. RESTORE refuses anything else with Redis's
/// "payload version or checksum are wrong".
/// </summary>
public static class FunctionDump
{
    public const ushort FormatVersion = 1;

    private const int FooterLength = sizeof(ushort) + sizeof(ulong);

    public static byte[] Encode(IEnumerable<FunctionLibrary> libraries)
    {
        var list = libraries.ToList();
        var output = new ArrayBufferWriter<byte>();
        var writer = new ByteWriter(output);
        writer.WriteByte((byte)'F');
        writer.WriteVarUInt((ulong)list.Count);
        foreach (var library in list)
        {
            writer.WriteLengthPrefixed(library.Code);
        }
        Span<byte> version = stackalloc byte[sizeof(ushort)];
        BinaryPrimitives.WriteUInt16LittleEndian(version, FormatVersion);
        writer.WriteRaw(version);
        writer.WriteUInt64LittleEndian(XxHash64.HashToUInt64(output.WrittenSpan));
        return output.WrittenSpan.ToArray();
    }

    /// <summary>The libraries' codes, or null when the payload is not a Chorus function dump of this version.</summary>
    public static List<byte[]>? Decode(ReadOnlySpan<byte> payload)
    {
        if (payload.Length < 1 + FooterLength || payload[0] != (byte)'F'
            || BinaryPrimitives.ReadUInt16LittleEndian(payload[^FooterLength..]) != FormatVersion
            || BinaryPrimitives.ReadUInt64LittleEndian(payload[^sizeof(ulong)..]) != XxHash64.HashToUInt64(payload[..^sizeof(ulong)]))
        {
            return null;
        }
        try
        {
            var reader = new ByteReader(payload[1..^FooterLength]);
            var count = reader.ReadLength();
            var codes = new List<byte[]>(Math.Min(count, 1024));
            for (var i = 0; i < count; i++)
            {
                codes.Add(reader.ReadLengthPrefixed().ToArray());
            }
            return reader.IsEnd ? codes : null;
        }
        catch (CorruptDataException)
        {
            return null;
        }
    }
}
