using System.CommandLine;
using Chorus.Cli.Lab.Report;
using Chorus.Cli.Lab.Scenarios;

namespace Chorus.Cli.Lab;

/// <summary>
/// `chorus lab &lt;scenario&gt;|all`, `chorus lab --list`: reproduces an anomaly of DDIA chapter 5
/// on real node processes of this machine, first without the guarantee that prevents it and then
/// with it, prints the measured rates and writes an HTML report (see docs/lab.md). Exit code 0:
/// every guarantee held; 1: a run with its guarantee showed the anomaly; 2: bad arguments; 3: the
/// lab could not run its cluster.
/// </summary>
internal static class LabCommand
{
    public static IReadOnlyList<LabScenario> Scenarios { get; } =
    [
        LostWritesScenario.Definition,
        LostCommentScenario.Definition,
        TimeBackwardsScenario.Definition,
        AnswerBeforeQuestionScenario.Definition,
        StaleLeaderScenario.Definition,
        ConflictingEditsScenario.Definition,
        LostIncrementsScenario.Definition,
        StaleQuorumReadScenario.Definition,
    ];

    public static Command Create()
    {
        var scenario = new Argument<string?>("scenario") { Description = "A scenario (see --list), or all.", Arity = ArgumentArity.ZeroOrOne };
        var list = new Option<bool>("--list") { Description = "List the scenarios and exit." };
        var output = new Option<string>("--out") { Description = "Directory for report.html and the nodes' logs.", DefaultValueFactory = _ => "lab-report" };
        var seed = new Option<int>("--seed") { Description = "Seed of the scenarios' random choices (which replica a reader picks).", DefaultValueFactory = _ => 1 };
        var command = new Command("lab", "Reproduce replication anomalies on real node processes with real faults, without and then with the guarantee that prevents each; writes an HTML report.") { scenario, list, output, seed };
        command.SetAction((result, cancellationToken) => result.GetValue(list)
            ? Task.FromResult(List(Console.Out))
            : RunAsync(result.GetValue(scenario), result.GetValue(output)!, result.GetValue(seed), cancellationToken));
        return command;
    }

    private static int List(TextWriter output)
    {
        var width = Scenarios.Max(s => s.Name.Length) + 2;
        foreach (var scenario in Scenarios)
        {
            output.WriteLine(scenario.Name.PadRight(width) + scenario.Title);
        }
        output.WriteLine("all".PadRight(width) + "every scenario above, one after another");
        return 0;
    }

    private static async Task<int> RunAsync(string? name, string outputDirectory, int seed, CancellationToken cancellationToken)
    {
        var chosen = name == "all" ? Scenarios : Scenarios.Where(s => s.Name == name).ToList();
        if (chosen.Count == 0)
        {
            await Console.Error.WriteLineAsync(name is null
                ? "chorus lab: name a scenario, or all (chorus lab --list shows them)"
                : $"chorus lab: unknown scenario '{name}' (known: {string.Join(", ", Scenarios.Select(s => s.Name))}, all)");
            return 2;
        }
        using var stop = new ShutdownSignal(cancellationToken);
        var started = DateTime.UtcNow;
        var context = new LabContext(Path.GetFullPath(outputDirectory), seed, Console.Out);
        var outcomes = new List<ScenarioOutcome>();
        try
        {
            foreach (var scenario in chosen)
            {
                Console.WriteLine($"{scenario.Name}: running (node logs in {Path.Combine(context.OutputDirectory, "logs")})");
                var outcome = await scenario.RunAsync(context, stop.Token);
                LabConsole.Print(outcome, Console.Out);
                outcomes.Add(outcome);
            }
        }
        catch (OperationCanceledException) when (stop.IsRequested)
        {
            Console.WriteLine("stopped; the report covers the scenarios that finished");
        }
        catch (Exception e) when (e is TimeoutException or InvalidOperationException)
        {
            // The cluster could not be run (a node did not start in time, or exited): not a finding about a guarantee.
            await Console.Error.WriteLineAsync($"chorus lab: {e.Message}");
            return 3;
        }
        var report = Path.Combine(context.OutputDirectory, "report.html");
        HtmlReport.Write(report, outcomes, seed, started);
        Console.WriteLine($"report: {report}");
        return Verdict(outcomes, Console.Out);
    }

    /// <summary>0 when every guarantee held; 1 (naming it) when a run with its guarantee still showed the anomaly.</summary>
    private static int Verdict(List<ScenarioOutcome> outcomes, TextWriter output)
    {
        var broken = outcomes.Where(o => o.Runs[^1].Anomalies.Total > 0).ToList();
        foreach (var outcome in broken)
        {
            output.WriteLine($"{outcome.Scenario.Name}: the guarantee did not hold ({outcome.Runs[^1].Variant}: {outcome.Runs[^1].Anomalies.Total} anomalies); see the report");
        }
        foreach (var outcome in outcomes.Where(o => o.Runs[0].Anomalies.Total == 0))
        {
            output.WriteLine($"{outcome.Scenario.Name}: this run did not show the anomaly without the guarantee either (timing on this machine); run it again");
        }
        return broken.Count == 0 ? 0 : 1;
    }
}
