using System.Globalization;
using System.Net;
using System.Text;
using Chorus.Simulation.History;

namespace Chorus.Cli.Lab.Report;

/// <summary>
/// The report's plots as inline SVG (no script, no external asset). Each series carries what it
/// shows as data attributes (data-series, data-points, data-count, data-total), so a test can
/// check a plot holds exactly the data the run measured.
/// </summary>
internal static class SvgPlot
{
    private const int Width = 560;
    private const int Height = 220;
    private const int Left = 56;
    private const int Right = 12;
    private const int Top = 12;
    private const int Bottom = 34;
    private const double PlotWidth = Width - Left - Right;
    private const double PlotHeight = Height - Top - Bottom;

    /// <summary>Every operation at (invocation time, latency), on a log scale, by how it ended; anomalies in red; faults as lines.</summary>
    public static string Latency(LabRun run)
    {
        var maxMs = Math.Max(10, run.History.Operations.Select(LabMeasures.LatencyMs).DefaultIfEmpty(0).Max());
        var decades = (int)Math.Ceiling(Math.Log10(maxMs)) + 1; // from 0.1 ms
        double Y(double ms) => Top + PlotHeight - (Math.Log10(Math.Max(ms, 0.1)) + 1) / decades * PlotHeight;
        var svg = Open("latency", "latency of every operation (ms, log scale) over time (s)");
        for (var d = 0; d <= decades; d++)
        {
            var ms = Math.Pow(10, d - 1);
            HorizontalTick(svg, Y(ms), ms < 1 ? "0.1" : Num(ms));
        }
        TimeAxis(svg, run.DurationUs);
        foreach (var (series, ops) in LatencySeries(run))
        {
            var path = new StringBuilder();
            foreach (var op in ops)
            {
                path.Append(CultureInfo.InvariantCulture, $"M{X(op.InvokedUs, run.DurationUs):0.#} {Y(LabMeasures.LatencyMs(op)):0.#}h2v2h-2z");
            }
            svg.Append(CultureInfo.InvariantCulture, $"<path class=\"pt {series}\" data-series=\"{series}\" data-points=\"{ops.Count}\" d=\"{path}\"><title>{series}: {ops.Count}</title></path>");
        }
        Faults(svg, run);
        return Close(svg);
    }

    /// <summary>Each follower's lag in ms as the leader saw it (or each link's between sites), over time.</summary>
    public static string Lag(LabRun run)
    {
        var maxMs = Math.Max(10, run.Lag.Select(s => (double)s.Ms).DefaultIfEmpty(0).Max());
        double Y(double ms) => Top + PlotHeight - ms / maxMs * PlotHeight;
        var svg = Open("lag", "replication lag (ms) over time (s): each follower as its leader saw it, or each link between sites");
        foreach (var tick in new[] { 0, 0.5, 1 })
        {
            HorizontalTick(svg, Y(tick * maxMs), Num(tick * maxMs));
        }
        TimeAxis(svg, run.DurationUs);
        var index = 0;
        foreach (var node in run.Lag.GroupBy(s => s.Node).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            // A sample is missing while the leader does not answer (frozen, killed): the line breaks there rather than bridging the gap.
            foreach (var segment in Segments(node.ToList()))
            {
                var points = string.Join(' ', segment.Select(s => string.Create(CultureInfo.InvariantCulture, $"{X(s.AtUs, run.DurationUs):0.#},{Y(s.Ms):0.#}")));
                svg.Append(CultureInfo.InvariantCulture, $"<polyline class=\"line c{index % 4}\" data-series=\"{node.Key}\" data-points=\"{segment.Count}\" data-max-ms=\"{segment.Max(s => s.Ms)}\" points=\"{points}\"><title>{node.Key}: up to {segment.Max(s => s.Ms)} ms, {segment.Max(s => s.Entries)} entries behind</title></polyline>");
            }
            svg.Append(CultureInfo.InvariantCulture, $"<text class=\"legend c{index % 4}\" x=\"{Width - Right - 72 * (index + 1)}\" y=\"{Top + PlotHeight - 6}\">{node.Key}</text>");
            index++;
        }
        Faults(svg, run);
        return Close(svg);
    }

    private static List<List<LagSample>> Segments(List<LagSample> samples)
    {
        var segments = new List<List<LagSample>> { new() };
        for (var i = 0; i < samples.Count; i++)
        {
            if (i > 0 && samples[i].AtUs - samples[i - 1].AtUs > LagGapUs)
            {
                segments.Add([]);
            }
            segments[^1].Add(samples[i]);
        }
        return segments;
    }

    /// <summary>Samples further apart than this (the sampler asks every 250 ms) are not joined by a line.</summary>
    private const long LagGapUs = 1_000_000;

    /// <summary>Anomalies found in each second of the run.</summary>
    public static string Anomalies(LabRun run)
    {
        var counts = run.Anomalies.PerSecond;
        var max = Math.Max(1, counts.DefaultIfEmpty(0).Max());
        var svg = Open("anomalies", $"{run.Anomalies.Name} per second", run.Anomalies.Total);
        foreach (var tick in new[] { 0, 0.5, 1 })
        {
            HorizontalTick(svg, Top + PlotHeight - tick * PlotHeight, Num(tick * max));
        }
        TimeAxis(svg, run.DurationUs);
        var barWidth = PlotWidth * 1_000_000 / Math.Max(run.DurationUs, 1);
        for (var second = 0; second < counts.Count; second++)
        {
            var height = counts[second] * PlotHeight / max;
            svg.Append(CultureInfo.InvariantCulture, $"<rect class=\"bar anomaly\" data-second=\"{second}\" data-count=\"{counts[second]}\" x=\"{Left + second * barWidth + 1:0.#}\" y=\"{Top + PlotHeight - height:0.#}\" width=\"{Math.Max(1, Math.Min(barWidth, Left + PlotWidth - (Left + second * barWidth)) - 2):0.#}\" height=\"{height:0.#}\"><title>second {second}: {counts[second]}</title></rect>");
        }
        Faults(svg, run);
        return Close(svg);
    }

    public static string Histogram(LabHistogram histogram)
    {
        var max = Math.Max(1, histogram.Counts.DefaultIfEmpty(0).Max());
        var svg = Open("histogram", histogram.Title, histogram.Counts.Sum());
        foreach (var tick in new[] { 0, 0.5, 1 })
        {
            HorizontalTick(svg, Top + PlotHeight - tick * PlotHeight, Num(tick * max));
        }
        var barWidth = PlotWidth / histogram.Bins.Count;
        for (var i = 0; i < histogram.Bins.Count; i++)
        {
            var height = histogram.Counts[i] * PlotHeight / max;
            var x = Left + i * barWidth;
            svg.Append(CultureInfo.InvariantCulture, $"<rect class=\"bar{(i == 0 ? " fresh" : "")}\" data-bin=\"{Encode(histogram.Bins[i])}\" data-count=\"{histogram.Counts[i]}\" x=\"{x + 2:0.#}\" y=\"{Top + PlotHeight - height:0.#}\" width=\"{barWidth - 4:0.#}\" height=\"{height:0.#}\"><title>{Encode(histogram.Bins[i])} ms: {histogram.Counts[i]}</title></rect>");
            svg.Append(CultureInfo.InvariantCulture, $"<text class=\"tick\" x=\"{x + barWidth / 2:0.#}\" y=\"{Height - Bottom + 14}\" text-anchor=\"middle\">{Encode(histogram.Bins[i])}</text>");
            svg.Append(CultureInfo.InvariantCulture, $"<text class=\"count\" x=\"{x + barWidth / 2:0.#}\" y=\"{Top + PlotHeight - height - 3:0.#}\" text-anchor=\"middle\">{histogram.Counts[i]}</text>");
        }
        return Close(svg);
    }

    private static IEnumerable<(string Series, List<Operation> Ops)> LatencySeries(LabRun run)
    {
        string SeriesOf(Operation op) =>
            run.AnomalousOperations.Contains(op.Id) ? "anomaly"
            : op.Outcome == OpOutcome.Failed ? "failed"
            : op.Outcome == OpOutcome.Indeterminate ? "unanswered"
            : op.IsRead ? "read" : "write";
        var groups = run.History.Operations.GroupBy(SeriesOf).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        // Anomalies last, so they are drawn on top.
        return new[] { "write", "read", "failed", "unanswered", "anomaly" }.Where(groups.ContainsKey).Select(s => (s, groups[s]));
    }

    private static StringBuilder Open(string kind, string title, int? total = null)
    {
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<figure class=\"plot\"><figcaption>{Encode(title)}</figcaption>");
        svg.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {Width} {Height}\" role=\"img\" aria-label=\"{Encode(title)}\" data-plot=\"{kind}\"{(total is { } t ? $" data-total=\"{t}\"" : "")}>");
        svg.Append(CultureInfo.InvariantCulture, $"<rect class=\"frame\" x=\"{Left}\" y=\"{Top}\" width=\"{PlotWidth}\" height=\"{PlotHeight}\"/>");
        return svg;
    }

    private static string Close(StringBuilder svg) => svg.Append("</svg></figure>").ToString();

    private static void HorizontalTick(StringBuilder svg, double y, string label)
    {
        svg.Append(CultureInfo.InvariantCulture, $"<line class=\"grid\" x1=\"{Left}\" x2=\"{Left + PlotWidth}\" y1=\"{y:0.#}\" y2=\"{y:0.#}\"/>");
        svg.Append(CultureInfo.InvariantCulture, $"<text class=\"tick\" x=\"{Left - 4}\" y=\"{y + 4:0.#}\" text-anchor=\"end\">{label}</text>");
    }

    private static void TimeAxis(StringBuilder svg, long durationUs)
    {
        var seconds = durationUs / 1e6;
        var step = seconds <= 12 ? 1 : seconds <= 30 ? 2 : 5;
        for (var s = 0; s <= seconds; s += step)
        {
            svg.Append(CultureInfo.InvariantCulture, $"<text class=\"tick\" x=\"{X(s * 1_000_000L, durationUs):0.#}\" y=\"{Height - Bottom + 14}\" text-anchor=\"middle\">{s}</text>");
        }
        svg.Append(CultureInfo.InvariantCulture, $"<text class=\"tick\" x=\"{Left + PlotWidth / 2:0.#}\" y=\"{Height - 4}\" text-anchor=\"middle\">seconds</text>");
    }

    /// <summary>Each fault as a dashed vertical line (one that lasted, as a shaded band), numbered as in the run's list of faults.</summary>
    private static void Faults(StringBuilder svg, LabRun run)
    {
        for (var i = 0; i < run.Faults.Count; i++)
        {
            var fault = run.Faults[i];
            var x = X(fault.AtUs, run.DurationUs);
            svg.Append(CultureInfo.InvariantCulture, $"<g class=\"fault\" data-fault=\"{i + 1}\"><title>{i + 1}. {fault.When}: {Encode(fault.Label)}</title>");
            if (fault.EndUs is { } end)
            {
                svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{x:0.#}\" y=\"{Top}\" width=\"{Math.Max(1, X(end, run.DurationUs) - x):0.#}\" height=\"{PlotHeight}\"/>");
            }
            else
            {
                svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{x:0.#}\" x2=\"{x:0.#}\" y1=\"{Top}\" y2=\"{Top + PlotHeight}\"/>");
            }
            if (run.Faults.Count <= 8)
            {
                svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{x + 2:0.#}\" y=\"{Top + 10}\">{i + 1}</text>");
            }
            svg.Append("</g>");
        }
    }

    private static double X(long atUs, long durationUs) => Left + Math.Clamp((double)atUs / Math.Max(durationUs, 1), 0, 1) * PlotWidth;

    private static string Num(double value) => value.ToString(value >= 10 ? "0" : "0.#", CultureInfo.InvariantCulture);

    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}
