using Chorus.Commands.Execution;
using Chorus.Commands.Values;
using Chorus.Resp;

namespace Chorus.Commands.Data.Keys;

/// <summary>
/// TTL, PTTL (time left) and EXPIRETIME, PEXPIRETIME (absolute Unix time): -2 when the key does
/// not exist, -1 when it has no expiry. Seconds are rounded to the nearest, as Redis does.
/// </summary>
internal static class TtlCommands
{
    private const CommandFlags Flags = CommandFlags.ReadOnly | CommandFlags.Fast;

    public static readonly CommandSpec TtlSpec = new("TTL", 2, Flags, 1, 1, 1, Read: (c, cmd, r) => Execute(c, cmd, r, milliseconds: false, absolute: false));

    public static readonly CommandSpec PTtlSpec = new("PTTL", 2, Flags, 1, 1, 1, Read: (c, cmd, r) => Execute(c, cmd, r, milliseconds: true, absolute: false));

    public static readonly CommandSpec ExpireTimeSpec = new("EXPIRETIME", 2, Flags, 1, 1, 1, Read: (c, cmd, r) => Execute(c, cmd, r, milliseconds: false, absolute: true));

    public static readonly CommandSpec PExpireTimeSpec = new("PEXPIRETIME", 2, Flags, 1, 1, 1, Read: (c, cmd, r) => Execute(c, cmd, r, milliseconds: true, absolute: true));

    private static void Execute(ReadContext context, RespCommand command, RespWriter reply, bool milliseconds, bool absolute)
    {
        var live = context.GetLive(command[1]);
        if (live is null)
        {
            reply.WriteInteger(-2);
            return;
        }
        var expiresAtMs = KeyRecord.ExpiryOf(live);
        if (expiresAtMs == 0)
        {
            reply.WriteInteger(-1);
            return;
        }
        var ms = Math.Max(0, absolute ? expiresAtMs : expiresAtMs - context.NowMs);
        reply.WriteInteger(milliseconds ? ms : RoundToSeconds(ms));
    }

    /// <summary>
    /// (ms + 500) / 1000 without overflowing: an expiry near the end of time (SET ... PXAT
    /// 9223372036854775806) reads as 9223372036854776 s in Redis, never as a negative time.
    /// </summary>
    internal static long RoundToSeconds(long ms) => (ms / 1000) + (ms % 1000 >= 500 ? 1 : 0);
}
