using System.Globalization;
using System.Text;
using Chorus.Resp;

namespace Chorus.Server.Consistency;

/// <summary>
/// Parses <c>&lt;level&gt; [&lt;bound-ms&gt;] [WAIT ms] [ONTIMEOUT fail|redirect] [AFTER token]
/// [STRATEGY token]</c>, the arguments CHORUS.CONSISTENCY and CHORUS.READ share. Errors are the
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
            if (option is not ("WAIT" or "ONTIMEOUT" or "AFTER" or "STRATEGY"))
            {
                if (commandFollows)
                {
                    return true;
                }
                error = $"ERR unknown option '{Clip(Text(command[next]))}' (known: WAIT <ms>, ONTIMEOUT fail|redirect, AFTER <token>, STRATEGY token)";
                return false;
            }
            if (next + 1 >= command.ArgumentCount)
            {
                error = $"ERR {option} needs a value";
                return false;
            }
            var value = Text(command[next + 1]);
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
            case "ONTIMEOUT":
                error = $"ERR ONTIMEOUT is fail or redirect, not '{Clip(value)}'";
                return false;
            case "AFTER" when SessionToken.TryParse(value, out var token, out error):
                settings = settings with { After = token };
                return true;
            case "AFTER":
                return false;
            case "STRATEGY" when settings.Level != ConsistencyLevel.ReadYourWrites:
                error = "ERR STRATEGY applies to read-your-writes only";
                return false;
            case "STRATEGY" when value.Equals("token", StringComparison.OrdinalIgnoreCase):
                return true;
            default:
                error = value.ToLowerInvariant() is "leader-window" or "leader-for-owned"
                    ? $"ERR read-your-writes strategy '{value}' is not available yet; use 'token'"
                    : $"ERR unknown read-your-writes strategy '{Clip(value)}' (known: token)";
                return false;
        }
    }

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
