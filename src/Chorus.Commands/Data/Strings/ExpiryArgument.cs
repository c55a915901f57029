using Chorus.Commands.Data.Numbers;
using Chorus.Commands.Execution;

namespace Chorus.Commands.Data.Strings;

/// <summary>The expiry argument of SET, SETEX, PSETEX and GETEX, read as Redis's getExpireMillisecondsOrReply does.</summary>
internal static class ExpiryArgument
{
    /// <summary>
    /// The absolute expiry in Unix ms: the argument must be a positive integer, and neither the
    /// unit conversion nor adding the leader's clock (for relative forms) may overflow.
    /// </summary>
    public static bool TryResolve(ReadOnlySpan<byte> text, bool seconds, bool relative, long nowMs, string command, out long expiresAtMs, out string error)
    {
        error = "";
        if (!IntegerText.TryParse(text, out expiresAtMs))
        {
            error = Errors.NotInteger;
            return false;
        }
        if (expiresAtMs <= 0 || (seconds && expiresAtMs > long.MaxValue / 1000))
        {
            error = Errors.InvalidExpireTime(command);
            return false;
        }
        expiresAtMs *= seconds ? 1000 : 1;
        // Wrapping past long.MaxValue shows as <= 0, as it does in C.
        expiresAtMs = relative ? unchecked(expiresAtMs + nowMs) : expiresAtMs;
        if (expiresAtMs <= 0)
        {
            error = Errors.InvalidExpireTime(command);
            return false;
        }
        return true;
    }
}
