using Chorus.Commands.Execution;
using Chorus.Resp;
using Chorus.Scripting;

namespace Chorus.Server.Resp;

/// <summary>
/// Redis 7.0's -BUSY: once a script or function has run past busy-reply-threshold, other clients'
/// commands are refused, but for those Redis flags allow-busy (connection and transaction
/// bookkeeping, SCRIPT KILL, FUNCTION KILL/STATS, SHUTDOWN NOSAVE). The loop runs the script; a
/// connection only reads what the engine publishes (what runs, since when).
/// </summary>
internal static class BusyScriptGate
{
    /// <summary>The -BUSY error for <paramref name="command"/>, or null to run it.</summary>
    public static string? Refusal(ScriptEngine scripts, CommandSpec spec, RespCommand command)
    {
        if (!scripts.IsRunning || AllowedWhileBusy(spec.Name, command))
        {
            return null;
        }
        return scripts.BusyError();
    }

    private static bool AllowedWhileBusy(string name, RespCommand command) => name switch
    {
        "AUTH" or "HELLO" or "QUIT" or "RESET" or "MULTI" or "DISCARD" or "WATCH" or "UNWATCH" or "REPLCONF" => true,
        "SCRIPT" => command.ArgumentCount == 2 && command.ArgumentIs(1, "KILL"u8),
        "FUNCTION" => command.ArgumentCount == 2 && (command.ArgumentIs(1, "KILL"u8) || command.ArgumentIs(1, "STATS"u8)),
        "SHUTDOWN" => command.ArgumentCount >= 2 && command.ArgumentIs(1, "NOSAVE"u8),
        _ => false,
    };
}
