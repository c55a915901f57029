using System.Globalization;
using AngleSharp.Dom;

namespace Chorus.Cli.Tests.Support;

/// <summary>
/// Reading a lab report (docs/lab.md) against the terminal output of the same run: each run's
/// table of metrics must be exactly the lines the terminal printed, and its plots must carry
/// the numbers of that table. Shared by the lab's scenario tests.
/// </summary>
internal static class LabReportPage
{
    /// <summary>The terminal's lines for one run: from its "[variant]" header to the next header or blank line.</summary>
    public static List<string> TerminalBlock(string terminal, string variant)
    {
        var lines = terminal.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        var start = lines.FindIndex(l => l.StartsWith($"  [{variant}]", StringComparison.Ordinal));
        Assert.True(start >= 0, $"the terminal shows the run {variant}");
        return [.. lines.Skip(start + 1).TakeWhile(l => l.StartsWith("    ", StringComparison.Ordinal))];
    }

    /// <summary>Every number of the run's table is a line the terminal printed, and the anomaly plot counts the anomalies.</summary>
    public static void CheckMetricsPrinted(IElement run, IReadOnlyList<string> terminal)
    {
        var metrics = run.QuerySelectorAll("tr[data-metric]");
        Assert.NotEmpty(metrics);
        foreach (var row in metrics)
        {
            Assert.Contains($"    {row.QuerySelector("th")!.TextContent}: {row.QuerySelector("td")!.TextContent}", terminal);
        }
        Assert.Equal(Metric(run, "anomalies"), Number(run.QuerySelector("svg[data-plot=anomalies]")!, "data-total"));
    }

    /// <summary>
    /// The plots every scenario draws hold the run's numbers: one latency point per operation,
    /// red points and anomaly bars for exactly the anomalies counted, and a distribution over
    /// <paramref name="distributed"/> (the metric whose operations the histogram bins: reads
    /// answered, or acknowledged writes). At least one fault is marked.
    /// </summary>
    public static void CheckPlots(IElement run, string distributed)
    {
        var latency = run.QuerySelector("svg[data-plot=latency]")!;
        Assert.Equal(Metric(run, "operations"), latency.QuerySelectorAll("path[data-series]").Sum(p => Number(p, "data-points")));
        Assert.Equal(Metric(run, "anomalies"), latency.QuerySelectorAll("path[data-series=anomaly]").Sum(p => Number(p, "data-points")));
        var anomalies = run.QuerySelector("svg[data-plot=anomalies]")!;
        Assert.Equal(Metric(run, "anomalies"), anomalies.QuerySelectorAll("rect[data-count]").Sum(r => Number(r, "data-count")));
        var histogram = run.QuerySelector("svg[data-plot=histogram]")!;
        Assert.Equal(Metric(run, distributed), histogram.QuerySelectorAll("rect[data-count]").Sum(r => Number(r, "data-count")));
        Assert.NotEmpty(run.QuerySelectorAll("svg[data-plot] g.fault"));
    }

    /// <summary>A checker's verdict as the report shows it: pass, fail or unknown.</summary>
    public static string Verdict(IElement run, string check) =>
        run.QuerySelector($"li[data-check={check}]")!.GetAttribute("data-verdict")!;

    /// <summary>The leading count of a metric ("249 of 303 (82.18%)" → 249).</summary>
    public static int Metric(IElement run, string id) =>
        int.Parse(run.QuerySelector($"tr[data-metric={id}] td")!.TextContent.Split(' ')[0], CultureInfo.InvariantCulture);

    public static int Number(IElement element, string attribute) =>
        int.Parse(element.GetAttribute(attribute)!, CultureInfo.InvariantCulture);
}
