namespace Chorus.Resp;

/// <summary>
/// Protocol error texts, worded as Redis's networking.c words them so clients and tests that
/// match on them keep working. The reply adds the "ERR " prefix.
/// </summary>
internal static class ProtocolErrors
{
    public const string InvalidMultibulkLength = "Protocol error: invalid multibulk length";
    public const string InvalidBulkLength = "Protocol error: invalid bulk length";
    public const string TooBigMultibulkCount = "Protocol error: too big mbulk count string";
    public const string TooBigBulkCount = "Protocol error: too big bulk count string";
    public const string TooBigInline = "Protocol error: too big inline request";
    public const string UnbalancedQuotes = "Protocol error: unbalanced quotes in request";

    // Redis skips the two bytes after bulk data without looking at them; we check them, so a
    // desynchronised client fails here instead of one command later. Redis has no wording for it.
    public const string BulkNotTerminated = "Protocol error: expected CRLF after bulk data";

    // Redis closes such a client without a reply (client-query-buffer-limit); we say why.
    public const string RequestTooBig = "Protocol error: request exceeds the query buffer limit";

    public static string ExpectedDollar(byte got)
    {
        // Redis formats the byte with %c and its error reply turns CR and LF into spaces.
        var shown = got is (byte)'\r' or (byte)'\n' ? ' ' : (char)got;
        return $"Protocol error: expected '$', got '{shown}'";
    }
}
