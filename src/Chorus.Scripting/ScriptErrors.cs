using KeraLua;

namespace Chorus.Scripting;

/// <summary>
/// Redis 7.0's wording for a script that failed while running: the error (a command's error reply
/// raised by redis.call, a table {err=...} raised by the script, or a Lua error message prefixed
/// "ERR ") followed by " script: &lt;sha&gt;, on @user_script:&lt;line&gt;.".
/// </summary>
internal static class ScriptErrors
{
    /// <summary>The error of <paramref name="thread"/>, which failed (its stack still holds where).</summary>
    public static string Running(Lua thread, string sha, string chunk = "@user_script")
    {
        string message;
        if (thread.Type(-1) == LuaType.Table && LuaReplies.StringField(thread, thread.AbsIndex(-1), "err") is { } error)
        {
            message = error;
        }
        else
        {
            message = "ERR " + (thread.ToString(-1, false) ?? "unknown error");
        }
        return LuaReplies.OneLine($"{message} script: {sha}, on {chunk}:{Line(thread, chunk)}.");
    }

    /// <summary>
    /// The line of the innermost frame in the script itself; "?" when none is left (a tail call
    /// other than <c>return redis.call(...)</c>, which <see cref="TailCallGuard"/> keeps from being one).
    /// </summary>
    private static string Line(Lua thread, string chunk)
    {
        var debug = new LuaDebug();
        for (var level = 0; thread.GetStack(level, ref debug) == 1; level++)
        {
            thread.GetInfo("Sl", ref debug);
            if (debug.Source == chunk && debug.CurrentLine > 0)
            {
                return debug.CurrentLine.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
        }
        return "?";
    }
}
