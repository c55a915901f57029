using Chorus.Core.Encoding;

namespace Chorus.Commands.Values;

/// <summary>String values: the payload is the raw bytes.</summary>
public static class StringValue
{
    public static byte[] Encode(ReadOnlySpan<byte> value, long expiresAtMs)
    {
        var encoded = Allocate(value.Length, expiresAtMs, out var payload);
        value.CopyTo(payload);
        return encoded;
    }

    /// <summary>
    /// An encoded string of <paramref name="length"/> bytes whose payload the caller fills in
    /// (<paramref name="payload"/>, not zeroed), so a command that builds a large value (APPEND,
    /// SETRANGE) builds it in place instead of building it and then copying it.
    /// </summary>
    public static byte[] Allocate(int length, long expiresAtMs, out Span<byte> payload)
    {
        var headerLength = 1 + VarInt.Length((ulong)expiresAtMs);
        var output = new ExactBufferWriter(checked(headerLength + length));
        StoredValue.WriteHeader(output, DataType.String, expiresAtMs);
        output.Advance(length);
        var encoded = output.ToArray();
        payload = encoded.AsSpan(headerLength);
        return encoded;
    }
}
