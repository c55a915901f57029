using System.Buffers;
using Chorus.Commands.Values;
using Chorus.Core.Encoding;
using Chorus.Resp;

namespace Chorus.Commands.Data.Streams;

/// <summary>
/// A stream entry's value in the elements column: <c>varint n | (len+field len+value)*</c>, the
/// fields in the order XADD gave them (Redis keeps duplicates too).
/// </summary>
internal static class StreamEntry
{
    public static byte[] Encode(IReadOnlyList<byte[]> fieldsAndValues)
    {
        var output = new ArrayBufferWriter<byte>(64);
        var writer = new ByteWriter(output);
        writer.WriteVarUInt((ulong)(fieldsAndValues.Count / 2));
        foreach (var item in fieldsAndValues)
        {
            writer.WriteLengthPrefixed(item);
        }
        return output.WrittenSpan.ToArray();
    }

    /// <summary>Writes <c>[id, [field, value, ...]]</c>, the shape of every entry in a reply.</summary>
    public static void Write(RespWriter reply, StreamId id, ReadOnlySpan<byte> value)
    {
        reply.WriteArrayHeader(2);
        reply.WriteBulkString(id.ToText());
        var reader = new ByteReader(value);
        var pairs = reader.ReadLength();
        reply.WriteArrayHeader(pairs * 2);
        for (var i = 0; i < pairs * 2; i++)
        {
            reply.WriteBulkString(reader.ReadLengthPrefixed());
        }
    }
}
