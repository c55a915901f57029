using Chorus.Commands.Execution;
using Chorus.Resp;

namespace Chorus.Commands.Data.Numbers;

/// <summary>
/// Redis's getIntFromObjectOrReply: an integer argument that must fit a C int. With an error of
/// the caller's (SWAPDB's "invalid first DB index"), that one error covers both failures.
/// </summary>
public static class IntArgument
{
    public const string OutOfIntRange = "ERR value is out of range, value must between -2147483648 and 2147483647";

    public static bool TryParse(ReadOnlySpan<byte> text, RespWriter reply, out int value, string? error = null)
    {
        value = 0;
        if (!IntegerText.TryParse(text, out var parsed))
        {
            reply.WriteError(error ?? Errors.NotInteger);
            return false;
        }
        if (parsed is < int.MinValue or > int.MaxValue)
        {
            reply.WriteError(error ?? OutOfIntRange);
            return false;
        }
        value = (int)parsed;
        return true;
    }
}
