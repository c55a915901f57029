using System.Buffers;
using Chorus.Core.Encoding;

namespace Chorus.Commands.Values;

/// <summary>String values: the payload is the raw bytes.</summary>
public static class StringValue
{
    public static byte[] Encode(ReadOnlySpan<byte> value, long expiresAtMs)
    {
        var output = new ArrayBufferWriter<byte>(value.Length + 11);
        StoredValue.WriteHeader(output, DataType.String, expiresAtMs);
        new ByteWriter(output).WriteRaw(value);
        return output.WrittenSpan.ToArray();
    }
}
