using Chorus.Simulation.Checkers;
using Chorus.Simulation.History;

namespace Chorus.Cli.Lab;

/// <summary>
/// One side of a scenario — without the guarantee, or with it — as measured: the history, the
/// faults, the lag, what the simulator's checkers concluded, and the numbers the terminal
/// prints and the report shows (the same <see cref="LabMetric"/> values feed both).
/// </summary>
internal sealed record LabRun(
    string Variant,
    string Setting,
    OperationHistory History,
    IReadOnlyList<LabFault> Faults,
    IReadOnlyList<LagSample> Lag,
    IReadOnlyList<CheckResult> Checks,
    IReadOnlyList<LabMetric> Metrics,
    LabAnomalies Anomalies,
    LabHistogram Histogram,
    long DurationUs)
{
    /// <summary>Ids of the operations some anomaly names (drawn red in the latency plot).</summary>
    public IReadOnlySet<int> AnomalousOperations { get; init; } = new HashSet<int>();
}

/// <summary>A measured number, already formatted: printed in the terminal and shown in the report as this same text.</summary>
internal sealed record LabMetric(string Id, string Label, string Value);

/// <summary>Anomalies found, by the second (of the run) in which each happened.</summary>
internal sealed record LabAnomalies(string Name, IReadOnlyList<int> PerSecond)
{
    public int Total => PerSecond.Sum();
}

/// <summary>A distribution (staleness of reads, latency of writes) in fixed bins.</summary>
internal sealed record LabHistogram(string Title, IReadOnlyList<string> Bins, IReadOnlyList<int> Counts)
{
    private static readonly double[] EdgesMs = [0, 10, 50, 100, 250, 500, 1000, 2000];

    /// <summary>Bins: exactly 0 (fresh), then up to 10, 50, 100, 250, 500, 1000, 2000 ms, and beyond.</summary>
    public static LabHistogram OfMilliseconds(string title, IEnumerable<double> valuesMs)
    {
        var counts = new int[EdgesMs.Length + 1];
        foreach (var value in valuesMs)
        {
            var bin = Array.FindIndex(EdgesMs, edge => value <= edge);
            counts[bin < 0 ? EdgesMs.Length : bin]++;
        }
        string[] bins = ["0", .. EdgesMs.Skip(1).Select(e => $"≤{e:0}"), $">{EdgesMs[^1]:0}"];
        return new LabHistogram(title, bins, counts);
    }
}

/// <summary>A scenario's outcome: its runs, first without the guarantee, then with it.</summary>
internal sealed record ScenarioOutcome(LabScenario Scenario, IReadOnlyList<LabRun> Runs);

/// <summary>The settings and tools a scenario gets: where logs go, the seed of its random choices, a cancellation token.</summary>
internal sealed record LabContext(string OutputDirectory, int Seed, TextWriter Progress)
{
    public string LogPath(string scenario, string variant) => Path.Combine(OutputDirectory, "logs", $"{scenario}-{variant}.log");
}

/// <summary>A lab scenario: an anomaly of DDIA chapter 5, reproduced without its guarantee and then prevented with it.</summary>
internal sealed record LabScenario(string Name, string Title, string Story, Func<LabContext, CancellationToken, Task<ScenarioOutcome>> RunAsync);

/// <summary>Helpers the scenarios share to turn a history into numbers.</summary>
internal static class LabMeasures
{
    public static int[] PerSecond(IEnumerable<long> timesUs, long durationUs)
    {
        var counts = new int[(int)(durationUs / 1_000_000) + 1];
        foreach (var at in timesUs)
        {
            counts[Math.Clamp((int)(at / 1_000_000), 0, counts.Length - 1)]++;
        }
        return counts;
    }

    public static string Count(long count) => count.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public static string Share(long part, long whole) =>
        whole == 0 ? "0 of 0" : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{part} of {whole} ({100.0 * part / whole:0.00}%)");

    /// <summary>The p-th percentile (0..100) of latencies in ms, by nearest rank; "-" when none.</summary>
    public static string Percentile(IReadOnlyList<double> valuesMs, double p)
    {
        if (valuesMs.Count == 0)
        {
            return "-";
        }
        var sorted = valuesMs.Order().ToList();
        var rank = (int)Math.Ceiling(p / 100 * sorted.Count) - 1;
        return string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{sorted[Math.Clamp(rank, 0, sorted.Count - 1)]:0.0} ms");
    }

    public static double LatencyMs(Operation op) => (op.CompletedUs - op.InvokedUs) / 1000.0;

    /// <summary>The operations the checkers' violations name.</summary>
    public static HashSet<int> Named(IEnumerable<CheckResult> checks) =>
        [.. checks.SelectMany(c => c.Violations).SelectMany(v => v.Operations)];

    /// <summary>A checker's conclusion in a few words: "pass", or "fail (3 violations)".</summary>
    public static string Verdict(CheckResult check) =>
        check.Verdict == Simulation.Checkers.Verdict.Fail
            ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"fail ({check.Violations.Count} violations)")
            : check.Verdict.ToString().ToLowerInvariant();
}
