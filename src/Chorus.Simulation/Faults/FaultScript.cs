using System.Globalization;

namespace Chorus.Simulation.Faults;

/// <summary>
/// The scripted fault format: statements separated by ';' or new lines, each
/// <c>at &lt;time&gt; &lt;fault&gt;</c>, where time is like <c>2s</c>, <c>1500ms</c> or <c>2.5s</c>:
/// <code>
/// at 2s partition n1 | n2,n3; at 5s heal; at 6s crash n1; at 7s restart n1
/// at 8s pause n2 for 500ms; at 9s skew n3 +200ms; at 9s drift n3 100ppm
/// at 10s cut n1 -> n2; at 11s flaky drop 5% dup 1% reorder 10%; at 12s stable
/// </code>
/// '#' starts a comment that runs to the end of the line.
/// </summary>
public static class FaultScript
{
    public static List<ScheduledFault> Parse(string script)
    {
        var faults = new List<ScheduledFault>();
        foreach (var statement in Statements(script))
        {
            faults.Add(ParseStatement(statement));
        }
        return [.. faults.OrderBy(f => f.AtMs)]; // stable: same-time faults keep their written order
    }

    public static string Format(IEnumerable<ScheduledFault> faults) => string.Join("; ", faults.Select(f => f.ToString()));

    /// <summary>Whole seconds as "2s", anything else as "1500ms".</summary>
    public static string FormatDuration(long ms) =>
        ms % 1000 == 0 ? string.Create(CultureInfo.InvariantCulture, $"{ms / 1000}s") : string.Create(CultureInfo.InvariantCulture, $"{ms}ms");

    public static long ParseDuration(string text)
    {
        var (number, scale) = text.EndsWith("ms", StringComparison.Ordinal) ? (text[..^2], 1.0)
            : text.EndsWith('s') ? (text[..^1], 1000.0)
            : throw new FormatException($"'{text}' is not a duration (write 2s or 1500ms)");
        if (!double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value) || value < 0)
        {
            throw new FormatException($"'{text}' is not a duration (write 2s or 1500ms)");
        }
        return (long)Math.Round(value * scale);
    }

    private static IEnumerable<string> Statements(string script)
    {
        foreach (var line in script.Split('\n'))
        {
            var code = line.Split('#')[0];
            foreach (var statement in code.Split(';'))
            {
                var trimmed = statement.Trim();
                if (trimmed.Length > 0)
                {
                    yield return trimmed;
                }
            }
        }
    }

    private static ScheduledFault ParseStatement(string statement)
    {
        var words = statement.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (words.Length < 3 || words[0] != "at")
        {
            throw new FormatException($"'{statement}': expected 'at <time> <fault>'");
        }
        return new ScheduledFault(ParseDuration(words[1]), ParseFault(words[2], words[3..], statement));
    }

    private static Fault ParseFault(string verb, string[] args, string statement) => verb switch
    {
        "partition" => new PartitionFault(ParseGroups(string.Join(' ', args), statement)),
        "cut" when args.Length == 3 && args[1] == "->" => new CutFault(args[0], args[2]),
        "heal" when args.Length == 0 => new HealFault(),
        "crash" when args.Length == 1 => new CrashFault(args[0]),
        "restart" when args.Length == 1 => new RestartFault(args[0]),
        "pause" when args.Length == 1 => new PauseFault(args[0]),
        "pause" when args.Length == 3 && args[1] == "for" => new PauseFault(args[0], ParseDuration(args[2])),
        "resume" when args.Length == 1 => new ResumeFault(args[0]),
        "failover" when args.Length == 1 => new FailoverFault(args[0]),
        "starve" when args.Length == 2 => new StarveFault(args[0], ParseDuration(args[1])),
        "starve" when args.Length == 4 && args[2] == "for" => new StarveFault(args[0], ParseDuration(args[1]), ParseDuration(args[3])),
        "skew" when args.Length == 2 => new SkewFault(args[0], ParseSignedMs(args[1])),
        "drift" when args.Length == 2 && args[1].EndsWith("ppm", StringComparison.Ordinal) => new DriftFault(args[0], long.Parse(args[1][..^3], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture)),
        "flaky" => ParseFlaky(args, statement),
        "stable" when args.Length == 0 => new StableFault(),
        _ => throw new FormatException($"'{statement}': unknown fault (partition, cut, heal, crash, restart, pause, resume, starve, failover, skew, drift, flaky, stable)"),
    };

    private static List<IReadOnlyList<string>> ParseGroups(string text, string statement)
    {
        var groups = text.Split('|').Select(g => (IReadOnlyList<string>)[.. g.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)]).ToList();
        if (groups.Count < 2 || groups.Any(g => g.Count == 0))
        {
            throw new FormatException($"'{statement}': a partition needs at least two non-empty groups, like 'n1 | n2,n3'");
        }
        return groups;
    }

    private static long ParseSignedMs(string text)
    {
        var sign = text.StartsWith('-') ? -1 : 1;
        return sign * ParseDuration(text.TrimStart('+', '-'));
    }

    private static FlakyFault ParseFlaky(string[] args, string statement)
    {
        int drop = 0, duplicate = 0, reorder = 0;
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            var percent = int.Parse(args[i + 1].TrimEnd('%'), CultureInfo.InvariantCulture);
            switch (args[i])
            {
                case "drop": drop = percent; break;
                case "dup": duplicate = percent; break;
                case "reorder": reorder = percent; break;
                default: throw new FormatException($"'{statement}': flaky takes drop, dup and reorder percentages");
            }
        }
        return new FlakyFault(drop, duplicate, reorder);
    }
}
