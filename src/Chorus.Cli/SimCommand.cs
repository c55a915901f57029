using System.CommandLine;
using System.Globalization;
using Chorus.Simulation;
using Chorus.Simulation.Campaigns;
using Chorus.Simulation.Checkers;
using Chorus.Simulation.Modes;
using Chorus.Storage;

namespace Chorus.Cli;

/// <summary>
/// `chorus sim`: runs the deterministic simulator. Over many seeds it prints a table per
/// configuration (runs, operations, violations per checker, the first failing seed and how to
/// reproduce it); with --seed it runs one seed, and --trace prints that run's event trace.
/// </summary>
internal static class SimCommand
{
    private const int MaxViolationsShown = 5;

    public static Command Create()
    {
        var config = new Option<string>("--config") { Description = "Cluster modes, comma-separated; 'all' (the correct ones) or 'broken' (the deliberately broken variants).", DefaultValueFactory = _ => "all" };
        var seeds = new Option<int>("--seeds") { Description = "How many seeds per configuration.", DefaultValueFactory = _ => 100 };
        var firstSeed = new Option<int>("--first-seed") { Description = "The first seed of the campaign.", DefaultValueFactory = _ => 1 };
        var seed = new Option<int?>("--seed") { Description = "Run this one seed only (with --trace, print its event trace)." };
        var trace = new Option<bool>("--trace") { Description = "Print the event trace of the --seed run." };
        var faults = new Option<string>("--faults") { Description = "A fault profile (none, network, crash, pause, clock, chaos) or a script: \"at 2s partition n1 | n2,n3; at 5s heal\".", DefaultValueFactory = _ => "none" };
        var workload = new Option<string>("--workload") { Description = "registers, list-append, counters or sessions.", DefaultValueFactory = _ => "list-append" };
        var network = new Option<string>("--network") { Description = "Network profile: lan or wan.", DefaultValueFactory = _ => "lan" };
        var fsync = new Option<string?>("--fsync") { Description = "Override the mode's fsync policy: always, everysec or no." };
        var bound = new Option<long?>("--bound-ms") { Description = "The staleness bound of bounded-read modes (failover-bounded-follower-reads: 500 by default); other modes ignore it." };
        var nodes = new Option<int>("--nodes") { Description = "Nodes in the cluster.", DefaultValueFactory = _ => 3 };
        var clients = new Option<int>("--clients") { Description = "Concurrent clients.", DefaultValueFactory = _ => 5 };
        var duration = new Option<long>("--duration-ms") { Description = "Simulated milliseconds of workload per run.", DefaultValueFactory = _ => 5_000 };
        var parallel = new Option<int>("--parallel") { Description = "Runs at once (default: one per core).", DefaultValueFactory = _ => Environment.ProcessorCount };
        var command = new Command("sim", "Run the deterministic simulator and the consistency checkers.")
        {
            config, seeds, firstSeed, seed, trace, faults, workload, network, fsync, bound, nodes, clients, duration, parallel,
        };
        command.SetAction(result =>
        {
            var template = new SimulationConfig
            {
                Workload = result.GetValue(workload)!,
                Faults = result.GetValue(faults)!,
                Network = result.GetValue(network)!,
                Durability = ParseFsync(result.GetValue(fsync)),
                BoundMs = result.GetValue(bound),
                Nodes = result.GetValue(nodes),
                Clients = result.GetValue(clients),
                DurationMs = result.GetValue(duration),
            };
            try
            {
                if (template.BoundMs is < 0)
                {
                    throw new ArgumentException($"--bound-ms must not be negative, not {template.BoundMs}");
                }
                var modes = Modes(result.GetValue(config)!);
                return result.GetValue(seed) is { } one
                    ? RunOne(template with { Mode = modes[0].Name, Seed = one, Trace = result.GetValue(trace) })
                    : RunCampaigns(template, modes, result.GetValue(firstSeed), result.GetValue(seeds), result.GetValue(parallel));
            }
            catch (Exception e) when (e is ArgumentException or FormatException)
            {
                Console.Error.WriteLine($"chorus sim: {e.Message}");
                return 2;
            }
        });
        return command;
    }

    private static int RunCampaigns(SimulationConfig template, IReadOnlyList<ClusterMode> modes, int firstSeed, int seeds, int parallel)
    {
        var keptPromises = true;
        foreach (var mode in modes)
        {
            var report = Campaign.Run(template with { Mode = mode.Name }, firstSeed, seeds, parallel);
            Console.WriteLine(ReportTable.Format(report));
            keptPromises &= report.KeptPromises;
        }
        return keptPromises ? 0 : 1;
    }

    private static int RunOne(SimulationConfig config)
    {
        var result = Simulation.Simulation.Run(config);
        if (config.Trace)
        {
            Console.Write(result.Trace);
            Console.WriteLine();
        }
        var stats = result.Stats;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"seed {config.Seed}: {stats.Operations} operations, {stats.MessagesSent} messages ({stats.MessagesDropped} dropped), {stats.Crashes} crashes, {stats.SimulatedMs} simulated ms"));
        foreach (var check in result.Checks)
        {
            var promised = result.Claimed.Contains(check.Check) ? "promised" : "not promised";
            Console.WriteLine($"  {check.Check,-20} {Verdict(check),-12} ({promised}){(check.Note is null ? "" : $"  {check.Note}")}");
            foreach (var violation in check.Violations.Take(MaxViolationsShown))
            {
                Console.WriteLine($"      {ReportTable.Shorten(violation.Description, 200)}");
            }
            if (check.Violations.Count > MaxViolationsShown)
            {
                Console.WriteLine($"      … and {check.Violations.Count - MaxViolationsShown} more");
            }
        }
        Console.WriteLine($"reproduce: {config.Reproducer()}");
        return result.BrokenPromises.Any() ? 1 : 0;
    }

    private static string Verdict(CheckResult check) => check.Verdict switch
    {
        Simulation.Checkers.Verdict.Fail => $"{check.Violations.Count} violations",
        Simulation.Checkers.Verdict.Unknown => "unknown",
        Simulation.Checkers.Verdict.NotApplicable => "n/a",
        _ => "ok",
    };

    private static List<ClusterMode> Modes(string spec) => spec.Trim() switch
    {
        "all" => [.. ClusterModes.Correct],
        "broken" => [.. ClusterModes.All.Where(m => m.IsBroken)],
        _ => [.. spec.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(ClusterModes.Named)],
    };

    private static DurabilityPolicy? ParseFsync(string? text) =>
        text is null ? null
        : DurabilityPolicies.TryParse(text, out var policy) ? policy
        : throw new ArgumentException($"--fsync must be always, everysec or no, not '{text}'");
}
