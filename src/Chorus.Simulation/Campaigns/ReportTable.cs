using System.Globalization;
using System.Text;
using Chorus.Simulation.Checkers;
using Chorus.Simulation.Modes;

namespace Chorus.Simulation.Campaigns;

/// <summary>Prints a campaign report as a table: one row per checker, then the reproducer of the first failing seed.</summary>
public static class ReportTable
{
    public static string Format(CampaignReport report)
    {
        var template = report.Template;
        var mode = ClusterModes.Named(template.Mode);
        var durability = template.Durability ?? mode.Durability;
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"== {template.Mode} · workload {template.Workload} · faults {template.Faults} · fsync {Storage.DurabilityPolicies.Name(durability)} · {template.Nodes} nodes, {template.Clients} clients, {template.DurationMs / 1000.0:0.#} s per run ==\n");
        text.Append(CultureInfo.InvariantCulture, $"{mode.Description}\n");
        if (template.BoundMs is { } boundMs && mode.ReadGuard is { MaxStalenessMs: >= 0 })
        {
            text.Append(CultureInfo.InvariantCulture, $"staleness bound overridden: {boundMs} ms (--bound-ms)\n");
        }
        text.Append(CultureInfo.InvariantCulture, $"runs {report.Runs} (seeds {report.FirstSeed}..{report.FirstSeed + report.Runs - 1}) · operations {report.Operations:N0} · {report.SimulatedMs / 1000.0:N0} simulated s in {report.Wall.TotalSeconds:N1} wall s ({report.OperationsPerWallSecond:N0} ops/s)\n\n");
        var rows = new List<string[]> { new[] { "CHECK", "PROMISED", "VERDICT", "VIOLATIONS", "RUNS", "FIRST SEED", "ANOMALY" } };
        rows.AddRange(report.Checks.Select(c => Row(c, report.Runs)));
        text.Append(Columns(rows));
        text.Append('\n');
        AppendLostWrites(text, report);
        BoundedReads.Append(text, report);
        SessionNotices.Append(text, report);
        text.Append(CultureInfo.InvariantCulture, $"failovers: {report.LeaderEpochs:N0} epochs with a leader over {report.Runs} runs; operator elections {report.OperatorElections:N0}\n");
        if (report.FirstFailingSeed is { } seed)
        {
            var first = report.Checks.Where(c => c.FirstSeed == seed).First();
            text.Append(CultureInfo.InvariantCulture, $"first failing seed {seed} ({first.Check}: {Shorten(first.FirstExample!)})\n");
            text.Append(CultureInfo.InvariantCulture, $"  reproduce: {(template with { Seed = seed }).Reproducer()}\n");
        }
        text.Append(report.KeptPromises ? "every promised guarantee held\n" : $"PROMISE BROKEN: first at seed {report.FirstBrokenPromiseSeed}\n");
        return text.ToString();
    }

    /// <summary>Lost acknowledged writes by how they were lost: kept in a rollback record, or gone without a trace.</summary>
    private static void AppendLostWrites(StringBuilder text, CampaignReport report)
    {
        var counts = report[CheckNames.AckedWriteLoss].Counts;
        var rolledBack = counts.GetValueOrDefault(AckedWriteLossChecker.RolledBack);
        var untraced = counts.GetValueOrDefault(AckedWriteLossChecker.Untraced);
        if (rolledBack + untraced > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"lost acknowledged writes: {rolledBack + untraced:N0} — {rolledBack:N0} in rollback records, {untraced:N0} on no surviving node and in no record\n");
        }
    }

    private static string[] Row(CheckTally tally, int runs)
    {
        var verdict = tally.RunsViolated > 0 ? (tally.Claimed ? "VIOLATED" : "anomalies")
            : tally.RunsNotApplicable == runs ? "n/a"
            : tally.RunsUnknown > 0 ? $"unknown in {tally.RunsUnknown}"
            : "ok";
        return
        [
            tally.Check,
            tally.Claimed ? "yes" : "no",
            verdict,
            tally.Violations.ToString("N0", CultureInfo.InvariantCulture),
            tally.RunsViolated == 0 ? "-" : string.Create(CultureInfo.InvariantCulture, $"{tally.RunsViolated}/{runs}"),
            tally.FirstSeed?.ToString(CultureInfo.InvariantCulture) ?? "-",
            tally.RunsViolated > 0 ? CheckNames.Anomaly(tally.Check) : "",
        ];
    }

    /// <summary>One line of an example, cut to a readable length.</summary>
    public static string Shorten(string text, int lengthMax = 160) => text.Length <= lengthMax ? text : text[..(lengthMax - 1)] + "…";

    private static string Columns(List<string[]> rows)
    {
        var widths = Enumerable.Range(0, rows[0].Length).Select(c => rows.Max(r => r[c].Length)).ToArray();
        var text = new StringBuilder();
        foreach (var row in rows)
        {
            text.Append(string.Join("  ", row.Select((cell, c) => cell.PadRight(widths[c]))).TrimEnd()).Append('\n');
        }
        return text.ToString();
    }
}
