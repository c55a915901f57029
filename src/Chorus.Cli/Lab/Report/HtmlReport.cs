using System.Globalization;
using System.Net;
using System.Text;

namespace Chorus.Cli.Lab.Report;

/// <summary>
/// The lab's report: one self-contained HTML file (inline CSS and SVG, no script, no external
/// asset) with, per scenario, the story, and side by side the run without the guarantee and the
/// run with it: the measured numbers (the same text the terminal printed), the faults, and plots
/// of latency, lag, anomalies per second and the distribution of staleness.
/// </summary>
internal static class HtmlReport
{
    public static void Write(string path, IReadOnlyList<ScenarioOutcome> outcomes, int seed, DateTime startedUtc)
    {
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
        html.Append("<title>Chorus lab report</title><style>").Append(Style).Append("</style></head><body>");
        html.Append(CultureInfo.InvariantCulture, $"<header><h1>Chorus lab</h1><p>Real node processes on this machine, real faults, real clients; histories judged by the simulator's checkers. Run {startedUtc:yyyy-MM-dd HH:mm:ss} UTC, seed {seed}, {Environment.ProcessorCount} cores. How to read it: docs/lab.md.</p></header>");
        Summary(html, outcomes);
        foreach (var outcome in outcomes)
        {
            Scenario(html, outcome);
        }
        html.Append("</body></html>\n");
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        File.WriteAllText(path, html.ToString());
    }

    private static void Summary(StringBuilder html, IReadOnlyList<ScenarioOutcome> outcomes)
    {
        html.Append("<section class=\"summary\"><h2>Summary</h2><table><thead><tr><th>scenario</th><th>anomaly</th><th>without the guarantee</th><th>with it</th></tr></thead><tbody>");
        foreach (var outcome in outcomes)
        {
            var anomaly = outcome.Runs[0].Metrics.Single(m => m.Id == "anomalies");
            html.Append(CultureInfo.InvariantCulture, $"<tr data-scenario=\"{Encode(outcome.Scenario.Name)}\"><td><a href=\"#{Encode(outcome.Scenario.Name)}\">{Encode(outcome.Scenario.Title)}</a></td><td>{Encode(anomaly.Label)}</td>");
            foreach (var run in outcome.Runs)
            {
                html.Append(CultureInfo.InvariantCulture, $"<td>{Encode(run.Variant)}: <b>{Encode(run.Metrics.Single(m => m.Id == "anomalies").Value)}</b></td>");
            }
            html.Append("</tr>");
        }
        html.Append("</tbody></table></section>");
    }

    private static void Scenario(StringBuilder html, ScenarioOutcome outcome)
    {
        var scenario = outcome.Scenario;
        html.Append(CultureInfo.InvariantCulture, $"<section class=\"scenario\" id=\"{Encode(scenario.Name)}\" data-scenario=\"{Encode(scenario.Name)}\"><h2>{Encode(scenario.Title)} <small>chorus lab {Encode(scenario.Name)}</small></h2>");
        html.Append(CultureInfo.InvariantCulture, $"<p class=\"story\">{Encode(scenario.Story)}</p><div class=\"runs\">");
        for (var i = 0; i < outcome.Runs.Count; i++)
        {
            Run(html, outcome.Runs[i], i == 0 ? "without the guarantee" : "with the guarantee");
        }
        html.Append("</div></section>");
    }

    private static void Run(StringBuilder html, LabRun run, string side)
    {
        html.Append(CultureInfo.InvariantCulture, $"<article class=\"run\" data-variant=\"{Encode(run.Variant)}\"><h3>{Encode(run.Variant)} <small>{side}</small></h3><p class=\"setting\"><code>{Encode(run.Setting)}</code></p>");
        html.Append("<table class=\"metrics\">");
        foreach (var metric in run.Metrics)
        {
            var highlight = metric.Id != "anomalies" ? "" : metric.Value.StartsWith("0 ", StringComparison.Ordinal) ? " class=\"headline none\"" : " class=\"headline\"";
            html.Append(CultureInfo.InvariantCulture, $"<tr data-metric=\"{Encode(metric.Id)}\"{highlight}><th>{Encode(metric.Label)}</th><td>{Encode(metric.Value)}</td></tr>");
        }
        html.Append("</table><ol class=\"faults\">");
        foreach (var fault in run.Faults.Take(12))
        {
            html.Append(CultureInfo.InvariantCulture, $"<li>{fault.When}: {Encode(fault.Label)}</li>");
        }
        if (run.Faults.Count > 12)
        {
            html.Append(CultureInfo.InvariantCulture, $"<li class=\"more\">… and {run.Faults.Count - 12} more, in the same rhythm</li>");
        }
        html.Append("</ol><p class=\"legend\"><span class=\"write\">■ write</span> <span class=\"read\">■ read</span> <span class=\"failed\">■ refused</span> <span class=\"unanswered\">■ unanswered</span> <span class=\"anomaly\">■ anomaly</span> <span class=\"faultkey\">┆ fault, ▒ while it lasted</span></p>");
        html.Append(SvgPlot.Latency(run)).Append(SvgPlot.Lag(run)).Append(SvgPlot.Anomalies(run)).Append(SvgPlot.Histogram(run.Histogram));
        Checks(html, run);
        html.Append("</article>");
    }

    private static void Checks(StringBuilder html, LabRun run)
    {
        html.Append("<details class=\"checks\"><summary>what the checkers found</summary><ul>");
        foreach (var check in run.Checks)
        {
            html.Append(CultureInfo.InvariantCulture, $"<li data-check=\"{Encode(check.Check)}\" data-verdict=\"{check.Verdict.ToString().ToLowerInvariant()}\"><b>{Encode(check.Check)}</b>: {Encode(LabMeasures.Verdict(check))}{(check.Note is { } note ? " — " + Encode(note) : "")}");
            if (check.Violations.Count > 0)
            {
                html.Append("<ol>");
                foreach (var violation in check.Violations.Take(5))
                {
                    html.Append(CultureInfo.InvariantCulture, $"<li><code>{Encode(Shorten(violation.Description))}</code></li>");
                }
                html.Append("</ol>");
            }
            html.Append("</li>");
        }
        html.Append("</ul></details>");
    }

    private static string Shorten(string text) => text.Length <= 400 ? text : text[..400] + "…";

    private static string Encode(string text) => WebUtility.HtmlEncode(text);

    private const string Style = """
        body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0 auto;max-width:1240px;padding:16px 20px;color:#1d2430;background:#fbfbfd}
        h1{margin:0 0 4px}h2{margin:28px 0 6px;border-bottom:1px solid #d9dde5;padding-bottom:4px}h2 small,h3 small{font-weight:normal;color:#6b7385;font-size:13px}
        h3{margin:4px 0}.story{max-width:980px}.setting code{background:#eef1f6;padding:1px 4px;border-radius:3px}
        .summary table,.metrics{border-collapse:collapse}.summary td,.summary th{border-bottom:1px solid #e3e6ec;padding:4px 10px;text-align:left}
        .runs{display:grid;grid-template-columns:repeat(auto-fit,minmax(560px,1fr));gap:18px}
        .run{background:#fff;border:1px solid #e0e3ea;border-radius:6px;padding:10px 12px}
        .metrics th{text-align:left;font-weight:normal;color:#4a5263;padding:1px 14px 1px 0}.metrics td{font-variant-numeric:tabular-nums;font-weight:600}
        .metrics tr.headline td,.metrics tr.headline th{color:#b3261e}.metrics tr.headline.none td,.metrics tr.headline.none th{color:#1e7b4f}
        .faults{font-size:12px;color:#4a5263;margin:6px 0;padding-left:22px}
        .legend{font-size:12px;margin:4px 0}.legend .write{color:#3b6fd8}.legend .read{color:#2e9d6a}.legend .failed{color:#9aa1ae}.legend .unanswered{color:#e0a21b}.legend .anomaly{color:#d93025}.legend .faultkey{color:#7a3fc4}
        figure.plot{margin:8px 0}figcaption{font-size:12px;color:#4a5263}svg{width:100%;height:auto;display:block}
        .frame{fill:#fff;stroke:#c9ced8}.grid{stroke:#eef0f4}.tick,.count,.legend{font-size:10px;fill:#5b6375}
        .pt.write{fill:#3b6fd8}.pt.read{fill:#2e9d6a}.pt.failed{fill:#9aa1ae}.pt.unanswered{fill:#e0a21b}.pt.anomaly{fill:#d93025}
        .line{fill:none;stroke-width:1.6}.c0{stroke:#3b6fd8;fill:#3b6fd8}.c1{stroke:#e07b1b;fill:#e07b1b}.c2{stroke:#2e9d6a;fill:#2e9d6a}.c3{stroke:#8d4ad8;fill:#8d4ad8}
        text.legend{stroke:none}polyline.line{fill:none}
        .bar{fill:#6c8fd6}.bar.fresh{fill:#2e9d6a}.bar.anomaly{fill:#d93025}
        .fault line{stroke:#7a3fc4;stroke-dasharray:4 3}.fault rect{fill:#7a3fc4;fill-opacity:.09}.fault text{font-size:10px;fill:#7a3fc4}
        details.checks{font-size:12px}details.checks code{white-space:pre-wrap}
        """;
}
