namespace Chorus.Commands.Data.Streams;

/// <summary>Redis 7.0's stream error replies, word for word (t_stream.c).</summary>
internal static class StreamErrors
{
    public const string InvalidId = "ERR Invalid stream ID specified as stream command argument";
    public const string IdTooSmall = "ERR The ID specified in XADD is equal or smaller than the target stream top item";
    public const string IdZero = "ERR The ID specified in XADD must be greater than 0-0";
    public const string Exhausted = "ERR The stream has exhausted the last possible ID, unable to add more items";
    public const string MaxLenNegative = "ERR The MAXLEN argument must be >= 0.";
    public const string LimitNegative = "ERR The LIMIT argument must be >= 0.";
    public const string BothStrategies = "ERR syntax error, MAXLEN and MINID options at the same time are not compatible";
    public const string LimitWithoutStrategy = "ERR syntax error, LIMIT cannot be used without specifying a trimming strategy";
    public const string LimitWithoutApprox = "ERR syntax error, LIMIT cannot be used without the special ~ option";
    public const string TrimWithoutStrategy = "ERR syntax error, XTRIM must be called with a trimming strategy";
    public const string InvalidStart = "ERR invalid start ID for the interval";
    public const string InvalidEnd = "ERR invalid end ID for the interval";
    public const string TimeoutNotInteger = "ERR timeout is not an integer or out of range";
    public const string TimeoutNegative = "ERR timeout is negative";
    public const string TimeoutOutOfRange = "ERR timeout is out of range";
    public const string GreaterOnlyInGroup = "ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> <consumer> option.";

    public const string GroupOnlyInXReadGroup = "ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead.";
    public const string NoAckOnlyInXReadGroup = "ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead.";

    public static string Unbalanced(string command, char symbol) =>
        $"ERR Unbalanced {command} list of streams: for each stream key an ID or '{symbol}' must be specified.";
}
