using System.CommandLine;
using System.Globalization;
using Chorus.Replication.Leaderless;
using Chorus.Simulation.Leaderless;

namespace Chorus.Cli;

/// <summary>
/// `chorus sim-leaderless-faults`: random fault runs of a simulated leaderless cluster (crashes,
/// cut-offs, splits, lossy links, clock steps), each checked for convergence after the heal and
/// for acknowledged writes lost (docs/leaderless.md, "Random fault runs").
/// </summary>
internal static class LeaderlessFaultsCommand
{
    public static Command Create()
    {
        var nodes = new Option<int>("--nodes") { Description = "Nodes in the cluster (default 5).", DefaultValueFactory = _ => 5 };
        var n = new Option<int>("--n") { Description = "Replicas per key (default 3).", DefaultValueFactory = _ => 3 };
        var w = new Option<int>("--w") { Description = "Write acknowledgements (default 2).", DefaultValueFactory = _ => 2 };
        var r = new Option<int>("--r") { Description = "Read replies (default 2).", DefaultValueFactory = _ => 2 };
        var strict = new Option<bool>("--strict") { Description = "Strict quorums (default: sloppy quorums with hinted handoff)." };
        var skew = new Option<long>("--skew-ms") { Description = "Clock steps go up to this far from true time, either way (default 2000).", DefaultValueFactory = _ => 2_000 };
        var seeds = new Option<int>("--seeds") { Description = "Seeds to run (default 20).", DefaultValueFactory = _ => 20 };
        var firstSeed = new Option<int>("--first-seed") { Description = "The first seed (default 1).", DefaultValueFactory = _ => 1 };
        var duration = new Option<long>("--duration-ms") { Description = "Simulated milliseconds of faults per seed (default 5000).", DefaultValueFactory = _ => 5_000 };
        var command = new Command("sim-leaderless-faults", "Random fault runs of a simulated leaderless cluster, checked for convergence and lost acknowledged writes.")
        {
            nodes, n, w, r, strict, skew, seeds, firstSeed, duration,
        };
        command.SetAction(result =>
        {
            var settings = new LeaderlessSettings { N = result.GetValue(n), W = result.GetValue(w), R = result.GetValue(r), SloppyQuorum = !result.GetValue(strict) };
            if (settings.Problem(result.GetValue(nodes)) is { } problem)
            {
                Console.Error.WriteLine($"chorus sim-leaderless-faults: {problem}");
                return 2;
            }
            int passed = 0, total = 0;
            long convergeMsMax = 0;
            for (var seed = result.GetValue(firstSeed); seed < result.GetValue(firstSeed) + result.GetValue(seeds); seed++)
            {
                var run = LeaderlessFaultRun.Run(seed, settings, result.GetValue(nodes), durationMs: result.GetValue(duration), skewMsMax: result.GetValue(skew));
                Console.WriteLine(run);
                if (!run.Passed)
                {
                    foreach (var line in run.Story)
                    {
                        Console.WriteLine("    " + line);
                    }
                }
                total++;
                passed += run.Passed ? 1 : 0;
                convergeMsMax = Math.Max(convergeMsMax, run.ConvergeMs);
            }
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"N={settings.N} W={settings.W} R={settings.R} {(settings.SloppyQuorum ? "sloppy" : "strict")}, {result.GetValue(nodes)} nodes: {passed} of {total} seeds converged with no acknowledged write lost; slowest convergence {convergeMsMax} ms after the heal"));
            return passed == total ? 0 : 1;
        });
        return command;
    }
}
