using System.Diagnostics;
using System.Reflection;
using Chorus.Simulation.Tests.Support;

namespace Chorus.Simulation.Tests.Runs;

/// <summary>A run is a pure function of its configuration and seed: the same seed gives the same event trace, byte for byte.</summary>
[Collection(SimulationCampaigns.Name)]
public sealed class DeterminismTests
{
    // Faults of every kind, clients on every node: the busiest schedule there is.
    private static readonly SimulationConfig Busy = new() { Mode = "async-follower-reads", Workload = "sessions", Faults = "chaos", Seed = 42, Trace = true };

    private static string ChorusPath { get; } = typeof(DeterminismTests).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "ChorusCliPath").Value!;

    [Fact]
    public void The_same_seed_gives_the_same_trace_history_and_verdicts()
    {
        var first = Chorus.Simulation.Simulation.Run(Busy);
        var second = Chorus.Simulation.Simulation.Run(Busy);

        Assert.True(first.Trace.Length > 100_000, "the trace records every event");
        Assert.Contains("power lost", first.Trace, StringComparison.Ordinal);
        Assert.Equal(first.Trace, second.Trace);
        Assert.Equal(first.History.Operations.Select(o => o.ToString()), second.History.Operations.Select(o => o.ToString()));
        Assert.Equal(first.Checks.Select(c => $"{c.Check} {c.Verdict} {c.Violations.Count}"), second.Checks.Select(c => $"{c.Check} {c.Verdict} {c.Violations.Count}"));
    }

    [Fact]
    public void Another_seed_gives_another_trace()
    {
        var first = Chorus.Simulation.Simulation.Run(Busy);
        var other = Chorus.Simulation.Simulation.Run(Busy with { Seed = 43 });
        Assert.NotEqual(first.Trace, other.Trace);
    }

    /// A fresh process has fresh randomized string and byte-array hash codes: if anything keyed by them
    /// decided the order of events, the trace would differ.
    [Fact]
    public async Task Another_process_gives_the_same_trace()
    {
        var inProcess = Chorus.Simulation.Simulation.Run(Busy).Trace;

        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { ChorusPath, "sim", "--config", Busy.Mode, "--workload", Busy.Workload, "--faults", Busy.Faults, "--seed", "42", "--trace" })
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start)!;
        var cancellation = TestContext.Current.CancellationToken;
        var error = process.StandardError.ReadToEndAsync(cancellation);
        var output = await process.StandardOutput.ReadToEndAsync(cancellation);
        await process.WaitForExitAsync(cancellation);
        TestContext.Current.SendDiagnosticMessage($"child exit code {process.ExitCode}; stderr: {await error}");

        Assert.StartsWith(inProcess, output, StringComparison.Ordinal);
    }
}
