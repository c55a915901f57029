using System.CommandLine;
using Chorus.Replication.Leaderless;
using Chorus.Simulation.Leaderless;
using Chorus.Simulation.Network;

namespace Chorus.Cli;

/// <summary>
/// `chorus sim-leaderless`: measures stale reads in a simulated leaderless cluster for given
/// N/W/R, seed by seed — clients write through a random node and read through another right after
/// the acknowledgement (docs/leaderless.md, "The limits of quorums").
/// </summary>
internal static class LeaderlessSimCommand
{
    public static Command Create()
    {
        var nodes = new Option<int>("--nodes") { Description = "Nodes in the cluster (default 3).", DefaultValueFactory = _ => 3 };
        var n = new Option<int>("--n") { Description = "Replicas per key (default 3).", DefaultValueFactory = _ => 3 };
        var w = new Option<int>("--w") { Description = "Write acknowledgements (default 2).", DefaultValueFactory = _ => 2 };
        var r = new Option<int>("--r") { Description = "Read replies (default 2).", DefaultValueFactory = _ => 2 };
        var sloppy = new Option<bool>("--sloppy") { Description = "Sloppy quorums with hinted handoff (default off: strict quorums)." };
        var faults = new Option<bool>("--faults") { Description = "Crash or cut off a random node every 1.5-3 s (default off)." };
        var seeds = new Option<int>("--seeds") { Description = "Seeds to run (default 5).", DefaultValueFactory = _ => 5 };
        var firstSeed = new Option<int>("--first-seed") { Description = "The first seed (default 1).", DefaultValueFactory = _ => 1 };
        var clients = new Option<int>("--clients") { Description = "Concurrent clients, one key each (default 8).", DefaultValueFactory = _ => 8 };
        var duration = new Option<long>("--duration-ms") { Description = "Simulated milliseconds per run (default 5000).", DefaultValueFactory = _ => 5_000 };
        var network = new Option<string>("--network") { Description = "Network profile: lan or wan (default lan).", DefaultValueFactory = _ => "lan" };
        var readAfter = new Option<string>("--read-after-ms") { Description = "Comma-separated delays between a write's acknowledgement and the read, in ms (default 0): one line per delay, the probability of a stale read t ms after a write (PBS).", DefaultValueFactory = _ => "0" };
        var command = new Command("sim-leaderless", "Measure stale reads of a simulated leaderless cluster for given N, W and R.")
        {
            nodes, n, w, r, sloppy, faults, seeds, firstSeed, clients, duration, network, readAfter,
        };
        command.SetAction(result =>
        {
            var settings = new LeaderlessSettings
            {
                N = result.GetValue(n),
                W = result.GetValue(w),
                R = result.GetValue(r),
                SloppyQuorum = result.GetValue(sloppy),
            };
            if (settings.Problem(result.GetValue(nodes)) is { } problem)
            {
                Console.Error.WriteLine($"chorus sim-leaderless: {problem}");
                return 2;
            }
            var delays = new List<double>();
            foreach (var text in result.GetValue(readAfter)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (!double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var delay) || delay < 0)
                {
                    Console.Error.WriteLine($"chorus sim-leaderless: --read-after-ms takes non-negative numbers of ms, not '{text}'");
                    return 2;
                }
                delays.Add(delay);
            }
            var profile = NetworkProfile.Named(result.GetValue(network)!);
            foreach (var delayMs in delays)
            {
                long stale = 0, fresh = 0;
                for (var seed = result.GetValue(firstSeed); seed < result.GetValue(firstSeed) + result.GetValue(seeds); seed++)
                {
                    var run = StalenessRun.Run(seed, result.GetValue(nodes), settings, result.GetValue(clients), result.GetValue(duration), result.GetValue(faults), profile, (long)(delayMs * 1000));
                    Console.WriteLine(run);
                    stale += run.StaleReads;
                    fresh += run.FreshReads;
                }
                Console.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                    $"N={settings.N} W={settings.W} R={settings.R} {(settings.SloppyQuorum ? "sloppy" : "strict")}, read {delayMs} ms after the write: {stale} stale of {stale + fresh} reads ({(stale + fresh == 0 ? 0 : 100.0 * stale / (stale + fresh)):0.00} %)"));
            }
            return 0;
        });
        return command;
    }
}
