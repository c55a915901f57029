using Chorus.Commands.Data.Numbers;
using Chorus.Resp;

namespace Chorus.Commands.Data.Blocking;

/// <summary>
/// A blocking command's timeout in seconds, as Redis 7.0's getTimeoutFromObjectOrReply reads it:
/// a long double, times 1000, rounded up to whole milliseconds (so 0.0001 waits 1 ms, and only 0
/// itself waits forever); a value whose milliseconds do not fit a 64-bit integer (1e30, inf)
/// wraps negative in C, so Redis calls it negative, and so do we.
/// </summary>
public static class BlockingTimeout
{
    public const string NotAFloat = "ERR timeout is not a float or out of range";
    public const string Negative = "ERR timeout is negative";
    public const string OutOfRange = "ERR timeout is out of range";

    /// <summary>The timeout at <paramref name="index"/> in milliseconds (0: forever), or false with Redis's error written.</summary>
    public static bool TryParse(RespCommand command, int index, long nowMs, RespWriter reply, out long timeoutMs)
    {
        timeoutMs = 0;
        if (!FloatText.TryParse(command[index], out var seconds))
        {
            reply.WriteError(NotAFloat);
            return false;
        }
        var ms = Math.Ceiling(seconds * 1000.0);
        if (double.IsNaN(ms) || ms >= 9.2233720368547758E18 || ms < 0)
        {
            reply.WriteError(Negative);
            return false;
        }
        timeoutMs = (long)ms;
        if (timeoutMs > 0 && timeoutMs > long.MaxValue - nowMs)
        {
            reply.WriteError(OutOfRange);
            return false;
        }
        return true;
    }
}
