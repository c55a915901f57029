using Chorus.Commands.Data.Numbers;
using Chorus.Commands.Execution;
using Chorus.Commands.Logical;
using Chorus.Commands.Values;
using Chorus.Resp;

namespace Chorus.Commands.Data.Keys;

/// <summary>
/// EXPIRE, PEXPIRE (relative) and EXPIREAT, PEXPIREAT (absolute) key time [NX | XX | GT | LT]:
/// sets an absolute expiry computed from the leader's clock. 1 when set, 0 when the key is
/// absent or an option forbids it. A time that is not in the future deletes the key.
/// </summary>
internal static class ExpireCommands
{
    private const CommandFlags Flags = CommandFlags.Write | CommandFlags.Fast;

    public static readonly CommandSpec ExpireSpec = new("EXPIRE", -3, Flags, 1, 1, 1, Write: (c, cmd, r) => Execute(c, cmd, r, relative: true, unitMs: 1000));

    public static readonly CommandSpec PExpireSpec = new("PEXPIRE", -3, Flags, 1, 1, 1, Write: (c, cmd, r) => Execute(c, cmd, r, relative: true, unitMs: 1));

    public static readonly CommandSpec ExpireAtSpec = new("EXPIREAT", -3, Flags, 1, 1, 1, Write: (c, cmd, r) => Execute(c, cmd, r, relative: false, unitMs: 1000));

    public static readonly CommandSpec PExpireAtSpec = new("PEXPIREAT", -3, Flags, 1, 1, 1, Write: (c, cmd, r) => Execute(c, cmd, r, relative: false, unitMs: 1));

    private static void Execute(WriteContext context, RespCommand command, RespWriter reply, bool relative, long unitMs)
    {
        if (ExpireOptionParser.Parse(command, reply) is not { } options)
        {
            return;
        }
        if (!IntegerText.TryParse(command[2], out var time))
        {
            reply.WriteError(Errors.NotInteger);
            return;
        }
        if (!TryAbsolute(time, unitMs, relative ? context.NowMs : 0, out var expiresAtMs))
        {
            reply.WriteError(Errors.InvalidExpireTime(Name(relative, unitMs)));
            return;
        }
        var key = command[1];
        var live = context.GetLive(key);
        var currentMs = live is null ? 0 : KeyRecord.ExpiryOf(live);
        if (live is null || !ExpireOptionParser.Allows(options, currentMs, expiresAtMs))
        {
            reply.WriteInteger(0);
            return;
        }
        // Redis deletes right away when the time is not in the future (checkAlreadyExpired).
        if (expiresAtMs <= context.NowMs)
        {
            context.Delete(key, DeleteReason.Command);
        }
        else if (expiresAtMs != currentMs)
        {
            context.Record(new ExpireChange(context.Db, key.ToArray(), expiresAtMs, currentMs));
        }
        else
        {
            // The time it has: nothing to log, but Redis counts the key as modified (WATCH, notifications).
            context.Touch(context.Db, key);
        }
        reply.WriteInteger(1);
    }

    /// <summary>time × unit + base, failing where Redis reports an invalid expire time (overflow).</summary>
    internal static bool TryAbsolute(long time, long unitMs, long baseMs, out long expiresAtMs)
    {
        expiresAtMs = 0;
        if (time > long.MaxValue / unitMs || time < long.MinValue / unitMs)
        {
            return false;
        }
        time *= unitMs;
        if (time > long.MaxValue - baseMs)
        {
            return false;
        }
        expiresAtMs = time + baseMs;
        return true;
    }

    internal static string Name(bool relative, long unitMs) => (relative, unitMs) switch
    {
        (true, 1000) => "expire",
        (true, _) => "pexpire",
        (false, 1000) => "expireat",
        _ => "pexpireat",
    };
}
