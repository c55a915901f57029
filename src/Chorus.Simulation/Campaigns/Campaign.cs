using Chorus.Simulation.Checkers;

namespace Chorus.Simulation.Campaigns;

/// <summary>
/// Runs one configuration over a range of seeds and sums the verdicts. Runs are independent, so
/// they may run in parallel; results are summed in seed order, so the report does not depend on
/// the parallelism.
/// </summary>
public static class Campaign
{
    public static CampaignReport Run(SimulationConfig template, int firstSeed, int seeds, int parallelism = 1, TimeProvider? time = null)
    {
        time ??= TimeProvider.System;
        var started = time.GetTimestamp();
        var results = new RunResult[seeds];
        Parallel.For(0, seeds, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, parallelism) }, i =>
            results[i] = Simulation.Run(template with { Seed = firstSeed + i, Trace = false }, time));
        var wall = time.GetElapsedTime(started);
        var claimed = results.Length > 0 ? results[0].Claimed : new HashSet<string>();
        var tallies = CheckNames.All.Select(c => new CheckTally(c, claimed.Contains(c))).ToList();
        foreach (var result in results)
        {
            foreach (var check in result.Checks)
            {
                tallies.Single(t => t.Check == check.Check).Add(result.Config.Seed, check);
            }
        }
        return new CampaignReport
        {
            Template = template,
            FirstSeed = firstSeed,
            Runs = seeds,
            Operations = results.Sum(r => r.Stats.Operations),
            SimulatedMs = results.Sum(r => r.Stats.SimulatedMs),
            Events = results.Sum(r => r.Stats.Events),
            LeaderEpochs = results.Sum(r => (long)r.Stats.LeaderEpochs),
            OperatorElections = results.Sum(r => (long)r.Stats.OperatorElections),
            Wall = wall,
            Checks = tallies,
        };
    }
}
