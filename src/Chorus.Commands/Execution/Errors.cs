using Chorus.Resp;

namespace Chorus.Commands.Execution;

/// <summary>Redis's error replies, word for word, so client libraries recognise them.</summary>
public static class Errors
{
    public const string WrongType = "WRONGTYPE Operation against a key holding the wrong kind of value";
    public const string NotInteger = "ERR value is not an integer or out of range";
    public const string NotFloat = "ERR value is not a valid float";
    public const string Overflow = "ERR increment or decrement would overflow";
    public const string Syntax = "ERR syntax error";
    public const string HashValueNotInteger = "ERR hash value is not an integer";
    public const string HashValueNotFloat = "ERR hash value is not a float";
    public const string NaNOrInfinity = "ERR increment would produce NaN or Infinity";
    public const string StringTooLong = "ERR string exceeds maximum allowed size (proto-max-bulk-len)";
    public const string OutOfRangePositive = "ERR value is out of range, must be positive";
    public const string OutOfRange = "ERR value is out of range";
    public const string DecrementOverflow = "ERR decrement would overflow";
    public const string OffsetOutOfRange = "ERR offset is out of range";
    public const string InvalidCursor = "ERR invalid cursor";
    public const string NoSuchKey = "ERR no such key";
    public const string NaNOrInfinityArgument = "ERR value is NaN or Infinity";
    public const string ExpireNxNotCompatible = "ERR NX and XX, GT or LT options at the same time are not compatible";
    public const string ExpireGtLtNotCompatible = "ERR GT and LT options at the same time are not compatible";

    public static string WrongArgumentCount(string command) =>
        $"ERR wrong number of arguments for '{command.ToLowerInvariant()}' command";

    public static string InvalidExpireTime(string command) => "ERR " + InvalidExpireTimeReason(command);

    /// <summary><see cref="InvalidExpireTime"/> without its "ERR ", for a refusal the RESP edge words.</summary>
    public static string InvalidExpireTimeReason(string command) =>
        $"invalid expire time in '{command.ToLowerInvariant()}' command";

    /// <summary>An EXPIRE-family option other than NX, XX, GT or LT, quoted as Redis quotes it (as a C string).</summary>
    public static byte[] UnsupportedOption(ReadOnlySpan<byte> option) =>
        [.. "ERR Unsupported option "u8, .. CString.Of(option)];

    /// <summary>Redis's getRangeLongFromObjectOrReply wording (its grammar included).</summary>
    public static string OutOfRangeBetween(long min, long max) =>
        $"ERR value is out of range, value must between {min} and {max}";
}
