using Chorus.Commands.Execution;
using Chorus.Resp;

namespace Chorus.Commands.Data.Numbers;

/// <summary>
/// Redis's getPositiveLongFromObjectOrReply: a non-negative integer argument (LPOP, RPOP, SPOP and
/// ZPOPMIN counts, LPOS COUNT and MAXLEN), refused with one error whether the text is no integer
/// or a negative one ("LPOP k abc" answers "value is out of range, must be positive").
/// </summary>
internal static class PositiveCount
{
    public static bool TryParse(ReadOnlySpan<byte> text, RespWriter reply, out long count, string error = Errors.OutOfRangePositive)
    {
        if (IntegerText.TryParse(text, out count) && count >= 0)
        {
            return true;
        }
        reply.WriteError(error);
        return false;
    }
}
