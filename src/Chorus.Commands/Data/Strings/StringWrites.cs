using Chorus.Commands.Execution;
using Chorus.Commands.Logical;
using Chorus.Commands.Values;

namespace Chorus.Commands.Data.Strings;

/// <summary>Stores string values by recording row changes.</summary>
internal static class StringWrites
{
    /// <summary>
    /// The key now holds the string <paramref name="value"/> with <paramref name="expiresAtMs"/>
    /// (0 = none). Records nothing when the stored bytes would not change, so a command that
    /// changes nothing produces no log entry.
    /// </summary>
    public static void Put(WriteContext context, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, long expiresAtMs) =>
        PutEncoded(context, key, StringValue.Encode(value, expiresAtMs));

    /// <summary><see cref="Put"/> of a value already encoded (built in place with <see cref="StringValue.Allocate"/>).</summary>
    public static void PutEncoded(WriteContext context, ReadOnlySpan<byte> key, byte[] encoded)
    {
        var current = context.Keyspace.Get(key);
        if (current is not null && current.AsSpan().SequenceEqual(encoded))
        {
            return;
        }
        context.Record(new PutChange(key.ToArray(), encoded, current));
    }

    /// <summary>The expiry a value keeps when a command rewrites it in place (INCR, APPEND...).</summary>
    public static long ExpiryOf(byte[]? live) => live is null ? 0 : StoredValue.ExpiryOf(live);
}
