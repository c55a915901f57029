using System.Globalization;

namespace Chorus.Server.Commands;

/// <summary>
/// CONFIG SET/GET busy-reply-threshold (alias lua-time-limit, Redis 7.0): how long a script or
/// function runs before other clients are answered -BUSY (docs/scripting.md). This node's own
/// setting, applied at once, as in Redis.
/// </summary>
internal static class ScriptTimeConfig
{
    public static readonly HashSet<string> Names = ["busy-reply-threshold", "lua-time-limit"];

    /// <summary>"" when <paramref name="value"/> is valid (the change is added to <paramref name="apply"/>), Redis's error when not, null for another parameter.</summary>
    public static string? TrySet(NodeServices node, string name, string value, List<Action> apply)
    {
        if (!Names.Contains(name))
        {
            return null;
        }
        if (!long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var thresholdMs))
        {
            return "argument couldn't be parsed into an integer";
        }
        if (thresholdMs < 0)
        {
            return "argument must be between 0 and 9223372036854775807 inclusive";
        }
        apply.Add(() => node.Scripts.Limits.BusyThresholdMs = thresholdMs);
        return "";
    }

    public static IEnumerable<(string Name, string Value)> Describe(NodeServices node)
    {
        var value = node.Scripts.Limits.BusyThresholdMs.ToString(CultureInfo.InvariantCulture);
        return Names.Select(name => (name, value));
    }
}
