namespace Chorus.Resp;

/// <summary>
/// Whole replies that are sent often, preformatted so sending one is a single copy.
/// The bytes live in the assembly's data section: no allocation, ever.
/// </summary>
public static class RespLiterals
{
    public static ReadOnlySpan<byte> Ok => "+OK\r\n"u8;

    public static ReadOnlySpan<byte> Pong => "+PONG\r\n"u8;

    public static ReadOnlySpan<byte> Queued => "+QUEUED\r\n"u8;

    public static ReadOnlySpan<byte> Zero => ":0\r\n"u8;

    public static ReadOnlySpan<byte> One => ":1\r\n"u8;

    public static ReadOnlySpan<byte> MinusOne => ":-1\r\n"u8;

    public static ReadOnlySpan<byte> MinusTwo => ":-2\r\n"u8;

    public static ReadOnlySpan<byte> NullBulkString => "$-1\r\n"u8;

    public static ReadOnlySpan<byte> NullArray => "*-1\r\n"u8;

    /// <summary>RESP3's null, which replaces both RESP2 nulls.</summary>
    public static ReadOnlySpan<byte> Null => "_\r\n"u8;

    public static ReadOnlySpan<byte> EmptyArray => "*0\r\n"u8;

    public static ReadOnlySpan<byte> EmptyBulkString => "$0\r\n\r\n"u8;

    public static ReadOnlySpan<byte> True => "#t\r\n"u8;

    public static ReadOnlySpan<byte> False => "#f\r\n"u8;

    public static ReadOnlySpan<byte> Crlf => "\r\n"u8;
}
