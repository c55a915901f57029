using Chorus.Commands.Execution;
using Chorus.Resp;

namespace Chorus.Commands.Data;

/// <summary>Limits data commands enforce, with Redis's defaults.</summary>
internal static class DataLimits
{
    /// <summary>Redis's proto-max-bulk-len: the longest string APPEND, SETRANGE, SETBIT and BITFIELD may build.</summary>
    public const long StringLengthMax = 512L * 1024 * 1024;

    /// <summary>
    /// The one check every command that grows a string makes before it builds anything: a small
    /// request (SETBIT key 4294967295 1) must not allocate a huge value. False after writing
    /// Redis's error.
    /// </summary>
    public static bool CheckStringLength(long length, RespWriter reply)
    {
        if (FitsInString(length))
        {
            return true;
        }
        reply.WriteError(Errors.StringTooLong);
        return false;
    }

    /// <summary>
    /// Whether a string of <paramref name="length"/> bytes is allowed: the predicate behind every
    /// command that grows a string, whatever error it then words (SETBIT and BITFIELD: "bit offset
    /// is not an integer or out of range").
    /// </summary>
    public static bool FitsInString(long length) => length is >= 0 and <= StringLengthMax;

    /// <summary><see cref="CheckStringLength"/> for bytes written at <paramref name="offset"/>, without overflowing.</summary>
    public static bool CheckStringEnd(long offset, long length, RespWriter reply) =>
        CheckStringLength(offset > StringLengthMax ? offset : offset + length, reply);

    /// <summary>
    /// The most elements SRANDMEMBER or HRANDFIELD with a negative count may return. Redis has
    /// no bound and would build the whole reply in memory; one command must not exhaust ours.
    /// </summary>
    public const long RandomRepliesMax = 16L * 1024 * 1024;
}
