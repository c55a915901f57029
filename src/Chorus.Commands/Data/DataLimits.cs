namespace Chorus.Commands.Data;

/// <summary>Limits data commands enforce, with Redis's defaults.</summary>
internal static class DataLimits
{
    /// <summary>Redis's proto-max-bulk-len: the longest string APPEND and SETRANGE may build.</summary>
    public const long StringLengthMax = 512L * 1024 * 1024;

    /// <summary>
    /// The most elements SRANDMEMBER or HRANDFIELD with a negative count may return. Redis has
    /// no bound and would build the whole reply in memory; one command must not exhaust ours.
    /// </summary>
    public const long RandomRepliesMax = 16L * 1024 * 1024;
}
