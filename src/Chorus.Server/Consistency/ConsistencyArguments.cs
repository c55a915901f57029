using System.Globalization;
using System.Text;
using Chorus.Resp;

namespace Chorus.Server.Consistency;

/// <summary>
/// Parses <c>&lt;level&gt; [&lt;bound-ms&gt;] [WAIT ms] [ONTIMEOUT fail|redirect] [AFTER token]
/// [STRATEGY token]</c>, the arguments CHORUS.CONSISTENCY and CHORUS.READ share (CHORUS.READ also
/// takes <c>SESSION &lt;id&gt;</c>). Errors are the
/// client's, worded as Redis words its own; nothing changes when one is returned.
/// </summary>
internal static class ConsistencyArguments
{
    public const string Levels = "eventual, read-your-writes, monotonic, bounded <ms>, strong";

    /// <summary>
    /// Parses from argument <paramref name="start"/>. With <paramref name="commandFollows"/> (CHORUS.READ)
    /// parsing stops at the first argument that is not an option, and <paramref name="next"/> is its index.
    /// </summary>
    public static bool TryParse(RespCommand command, int start, bool commandFollows, out ConsistencySettings settings, out int next, out string error)
    {
        settings = ConsistencySettings.Eventual;
        next = start;
        error = "";
        if (start >= command.ArgumentCount)
        {
            error = "ERR wrong number of arguments: a consistency level is needed (" + Levels + ")";
            return false;
        }
        if (!TryLevel(Text(command[start]), out var level))
        {
            error = $"ERR unknown consistency level '{Clip(Text(command[start]))}' (known: {Levels})";
            return false;
        }
        settings = settings with { Level = level };
        next = start + 1;
        if (level == ConsistencyLevel.Bounded)
        {
            if (next >= command.ArgumentCount || !long.TryParse(command[next], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var bound))
            {
                error = "ERR bounded needs a staleness bound in milliseconds: bounded <ms>";
                return false;
            }
            if (bound < 0)
            {
                error = "ERR the staleness bound must be 0 or more milliseconds";
                return false;
            }
            settings = settings with { BoundMs = bound };
            next++;
        }
        return TryOptions(command, commandFollows, ref settings, ref next, out error);
    }

    private static bool TryOptions(RespCommand command, bool commandFollows, ref ConsistencySettings settings, ref int next, out string error)
    {
        error = "";
        while (next < command.ArgumentCount)
        {
            var option = Text(command[next]).ToUpperInvariant();
            if (option == "SESSION" && !commandFollows)
            {
                error = "ERR SESSION names a session for one read (CHORUS.READ <level> SESSION <id> <command>); CHORUS.SESSION <id> binds a connection";
                return false;
            }
            if (option is not ("WAIT" or "ONTIMEOUT" or "AFTER" or "STRATEGY" or "SESSION"))
            {
                if (commandFollows)
                {
                    return true;
                }
                error = $"ERR unknown option '{Clip(Text(command[next]))}' (known: WAIT <ms>, ONTIMEOUT fail|redirect|forward, AFTER <token>, STRATEGY token|leader-window <ms>|leader-for-owned <pattern>; CHORUS.READ also SESSION <id>)";
                return false;
            }
            if (next + 1 >= command.ArgumentCount)
            {
                error = $"ERR {option} needs a value";
                return false;
            }
            var value = Text(command[next + 1]);
            if (option == "STRATEGY" && value.ToLowerInvariant() is "leader-window" or "leader-for-owned")
            {
                if (!TryLeaderStrategy(command, value.ToLowerInvariant(), ref settings, ref next, out error))
                {
                    return false;
                }
                continue;
            }
            if (!TryOption(option, value, ref settings, out error))
            {
                return false;
            }
            next += 2;
        }
        return true;
    }

    private static bool TryOption(string option, string value, ref ConsistencySettings settings, out string error)
    {
        error = "";
        switch (option)
        {
            case "WAIT" when long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var waitMs) && waitMs <= ConsistencySettings.WaitMsMax:
                settings = settings with { WaitMs = waitMs };
                return true;
            case "WAIT":
                error = $"ERR WAIT is how long a read may wait for its guarantee: 0 to {ConsistencySettings.WaitMsMax} milliseconds";
                return false;
            case "ONTIMEOUT" when value.Equals("fail", StringComparison.OrdinalIgnoreCase):
                settings = settings with { OnTimeout = OnTimeout.Fail };
                return true;
            case "ONTIMEOUT" when value.Equals("redirect", StringComparison.OrdinalIgnoreCase):
                settings = settings with { OnTimeout = OnTimeout.Redirect };
                return true;
            case "ONTIMEOUT" when value.Equals("forward", StringComparison.OrdinalIgnoreCase):
                settings = settings with { OnTimeout = OnTimeout.Forward };
                return true;
            case "ONTIMEOUT":
                error = $"ERR ONTIMEOUT is fail, redirect or forward, not '{Clip(value)}'";
                return false;
            case "AFTER" when SessionToken.TryParse(value, out var token, out error):
                settings = settings with { After = token };
                return true;
            case "AFTER":
                return false;
            case "SESSION" when SessionDirectory.Invalid(Encoding.UTF8.GetBytes(value)) is { } invalid:
                error = invalid;
                return false;
            case "SESSION":
                settings = settings with { SessionId = value };
                return true;
            case "STRATEGY" when settings.Level != ConsistencyLevel.ReadYourWrites:
                error = "ERR STRATEGY applies to read-your-writes only";
                return false;
            case "STRATEGY" when value.Equals("token", StringComparison.OrdinalIgnoreCase):
                settings = settings with { Strategy = ReadYourWritesStrategy.Token };
                return true;
            default:
                error = $"ERR unknown read-your-writes strategy '{Clip(value)}' (known: token, leader-window <ms>, leader-for-owned <pattern>)";
                return false;
        }
    }

    /// <summary><c>STRATEGY leader-window &lt;ms&gt;</c> or <c>STRATEGY leader-for-owned &lt;pattern&gt;</c>, at <paramref name="next"/>.</summary>
    private static bool TryLeaderStrategy(RespCommand command, string strategy, ref ConsistencySettings settings, ref int next, out string error)
    {
        error = "";
        if (settings.Level != ConsistencyLevel.ReadYourWrites)
        {
            error = "ERR STRATEGY applies to read-your-writes only";
            return false;
        }
        if (next + 2 >= command.ArgumentCount)
        {
            error = strategy == "leader-window"
                ? "ERR leader-window needs a window in milliseconds: STRATEGY leader-window <ms>"
                : "ERR leader-for-owned needs a key pattern: STRATEGY leader-for-owned <pattern>";
            return false;
        }
        if (strategy == "leader-window")
        {
            if (!long.TryParse(command[next + 2], NumberStyles.None, CultureInfo.InvariantCulture, out var windowMs) || windowMs > WindowMsMax)
            {
                error = $"ERR the leader window is 0 to {WindowMsMax} milliseconds";
                return false;
            }
            settings = settings with { Strategy = ReadYourWritesStrategy.LeaderWindow, WindowMs = windowMs };
        }
        else
        {
            var pattern = command[next + 2];
            if (pattern.Length is 0 or > PatternBytesMax)
            {
                error = $"ERR the owned-keys pattern must be 1 to {PatternBytesMax} bytes";
                return false;
            }
            settings = settings with { Strategy = ReadYourWritesStrategy.LeaderForOwned, OwnedPattern = pattern.ToArray() };
        }
        next += 3;
        return true;
    }

    /// <summary>A leader window of at most a day: longer is "always read at the leader", which the level <c>strong</c> or a leader connection says better.</summary>
    private const long WindowMsMax = 24 * 60 * 60 * 1000;

    private const int PatternBytesMax = 1024;

    private static bool TryLevel(string text, out ConsistencyLevel level)
    {
        level = text.ToLowerInvariant() switch
        {
            "eventual" => ConsistencyLevel.Eventual,
            "read-your-writes" or "ryw" => ConsistencyLevel.ReadYourWrites,
            "monotonic" => ConsistencyLevel.Monotonic,
            "bounded" => ConsistencyLevel.Bounded,
            "strong" or "linearizable" => ConsistencyLevel.Strong,
            _ => (ConsistencyLevel)(-1),
        };
        return Enum.IsDefined(level);
    }

    private static string Text(ReadOnlySpan<byte> bytes) => Encoding.UTF8.GetString(bytes);

    private static string Clip(string text) => text.Length > 64 ? text[..64] + "…" : text;
}
