using System.CommandLine;
using System.Globalization;
using Chorus.Simulation.Leaderless;

namespace Chorus.Cli;

/// <summary>
/// `chorus sim-leaderless-limits`: measures, seed by seed in the simulator, how often each limit
/// of quorums (W + R &gt; N notwithstanding) makes a read stale, beside the control where a
/// mechanism prevents it (docs/leaderless.md, "The limits of quorums").
/// </summary>
internal static class LeaderlessLimitsCommand
{
    private static readonly Dictionary<string, QuorumLimit> Names = new()
    {
        ["sloppy"] = QuorumLimit.SloppyQuorum,
        ["failed-write"] = QuorumLimit.FailedWrite,
        ["clock-skew"] = QuorumLimit.ClockSkew,
        ["restored"] = QuorumLimit.RestoredNode,
    };

    public static Command Create()
    {
        var limit = new Option<string>("--limit") { Description = "sloppy, failed-write, clock-skew, restored or all (default all).", DefaultValueFactory = _ => "all" };
        var seeds = new Option<int>("--seeds") { Description = "Seeds per variant (default 20).", DefaultValueFactory = _ => 20 };
        var firstSeed = new Option<int>("--first-seed") { Description = "The first seed (default 1).", DefaultValueFactory = _ => 1 };
        var duration = new Option<long>("--duration-ms") { Description = "Simulated milliseconds per seed (default 3000).", DefaultValueFactory = _ => 3_000 };
        var verbose = new Option<bool>("--verbose") { Description = "Print every seed's counts." };
        var command = new Command("sim-leaderless-limits", "Measure the limits of quorums (sloppy quorums, failed writes, clock skew, restored nodes) in a simulated leaderless cluster.")
        {
            limit, seeds, firstSeed, duration, verbose,
        };
        command.SetAction(result =>
        {
            var name = result.GetValue(limit)!;
            if (name != "all" && !Names.ContainsKey(name))
            {
                Console.Error.WriteLine($"chorus sim-leaderless-limits: unknown limit '{name}' (expected {string.Join(", ", Names.Keys)} or all)");
                return 2;
            }
            if (result.GetValue(seeds) < 1 || result.GetValue(duration) < 500)
            {
                Console.Error.WriteLine("chorus sim-leaderless-limits: --seeds must be at least 1 and --duration-ms at least 500");
                return 2;
            }
            var limits = name == "all" ? [.. Names.Values] : new[] { Names[name] };
            foreach (var variant in limits.SelectMany(l => QuorumLimits.Variants(l, result.GetValue(duration))))
            {
                Console.WriteLine(Measure(variant, result.GetValue(firstSeed), result.GetValue(seeds), result.GetValue(verbose)));
            }
            return 0;
        });
        return command;
    }

    private static string Measure(QuorumLimitVariant variant, int firstSeed, int seeds, bool verbose)
    {
        long anomalies = 0, reads = 0;
        var seedsWithAnomaly = 0;
        for (var seed = firstSeed; seed < firstSeed + seeds; seed++)
        {
            var run = variant.Run(seed);
            anomalies += run.Anomalies;
            reads += run.Reads;
            seedsWithAnomaly += run.Anomalies > 0 ? 1 : 0;
            if (verbose)
            {
                Console.WriteLine($"  {variant.Limit} / {variant.Name}: {run.Detail}");
            }
        }
        var rate = reads == 0 ? 0 : 100.0 * anomalies / reads;
        return string.Create(CultureInfo.InvariantCulture,
            $"{variant.Limit} / {variant.Name} ({variant.Setup}): {variant.Anomaly}: {anomalies} of {reads} reads ({rate:0.000} %), in {seedsWithAnomaly} of {seeds} seeds; expected: {(variant.AnomalyExpected ? "yes" : "no")}");
    }
}
