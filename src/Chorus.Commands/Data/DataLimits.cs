using Chorus.Commands.Execution;
using Chorus.Resp;

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

    /// <summary>
    /// Whether a command may build a string of <paramref name="length"/> bytes. Commands that grow
    /// a value from a small argument (APPEND, SETRANGE, SETBIT, BITFIELD) ask before allocating
    /// anything: SETRANGE k 536870911 x must cost a reply, not half a gigabyte per copy. If not,
    /// writes the error (Redis's wording past Redis's own limit) and returns false.
    /// </summary>
    public static bool CheckStringLength(WriteContext context, long length, RespWriter reply)
    {
        if (length > StringLengthMax)
        {
            reply.WriteError(Errors.StringTooLong);
            return false;
        }
        if (length > context.Limits.WriteBytesMax)
        {
            reply.WriteError(context.Limits.ValueTooLarge(length));
            return false;
        }
        return true;
    }
}
