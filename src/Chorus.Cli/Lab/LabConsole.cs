namespace Chorus.Cli.Lab;

/// <summary>
/// What the terminal shows of a scenario: per run, every measured number as "label: value" —
/// the same <see cref="LabMetric"/> text the report shows.
/// </summary>
internal static class LabConsole
{
    public static void Print(ScenarioOutcome outcome, TextWriter output)
    {
        output.WriteLine($"{outcome.Scenario.Name}: {outcome.Scenario.Title}");
        for (var i = 0; i < outcome.Runs.Count; i++)
        {
            var run = outcome.Runs[i];
            output.WriteLine($"  [{run.Variant}] {(i == 0 ? "without the guarantee" : "with the guarantee")}: {run.Setting}");
            foreach (var metric in run.Metrics)
            {
                output.WriteLine($"    {metric.Label}: {metric.Value}");
            }
        }
        output.WriteLine();
    }
}
