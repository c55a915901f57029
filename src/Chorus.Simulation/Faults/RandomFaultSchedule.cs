using Chorus.Simulation.Engine;

namespace Chorus.Simulation.Faults;

/// <summary>
/// Draws a fault schedule from a <see cref="FaultProfile"/> before the run starts, so the whole
/// schedule can be printed as a script and replayed.
/// </summary>
public static class RandomFaultSchedule
{
    public static List<ScheduledFault> Generate(FaultProfile profile, SimRandom random, IReadOnlyList<string> nodes, long durationMs)
    {
        var faults = new List<ScheduledFault>();
        if (profile.HasNetworkFaults)
        {
            Lane(profile, random, durationMs, faults, [(profile.PartitionWeight, Partition), (profile.CutWeight, Cut), (profile.FlakyWeight, Flaky)], nodes);
        }
        if (profile.HasNodeFaults)
        {
            Lane(profile, random, durationMs, faults, [(profile.CrashWeight, Crash), (profile.PauseWeight, Pause), (profile.SkewWeight, Skew), (profile.DriftWeight, Drift)], nodes);
        }
        return [.. faults.OrderBy(f => f.AtMs)];
    }

    private delegate (Fault Start, Fault End) Episode(SimRandom random, IReadOnlyList<string> nodes);

    private static void Lane(FaultProfile profile, SimRandom random, long durationMs, List<ScheduledFault> faults, (int Weight, Episode Make)[] kinds, IReadOnlyList<string> nodes)
    {
        var total = kinds.Sum(k => k.Weight);
        var atMs = random.Exponential(profile.MeanGapMs);
        while (atMs < durationMs)
        {
            var pick = random.Next(total);
            var kind = kinds.First(k => (pick -= k.Weight) < 0);
            var (start, end) = kind.Make(random, nodes);
            var lengthMs = random.Between(profile.EpisodeMinMs, profile.EpisodeMaxMs + 1);
            faults.Add(new ScheduledFault(atMs, start));
            faults.Add(new ScheduledFault(atMs + lengthMs, end)); // past the end: the final heal repairs it anyway
            atMs += lengthMs + random.Exponential(profile.MeanGapMs);
        }
    }

    private static (Fault, Fault) Partition(SimRandom random, IReadOnlyList<string> nodes)
    {
        var shuffled = nodes.ToList();
        for (var i = shuffled.Count - 1; i > 0; i--)
        {
            var j = random.Next(i + 1);
            (shuffled[i], shuffled[j]) = (shuffled[j], shuffled[i]);
        }
        var split = 1 + random.Next(shuffled.Count - 1);
        return (new PartitionFault([shuffled[..split], shuffled[split..]]), new HealFault());
    }

    private static (Fault, Fault) Cut(SimRandom random, IReadOnlyList<string> nodes)
    {
        var from = random.Pick(nodes);
        var others = nodes.Where(n => n != from).ToList();
        return (new CutFault(from, random.Pick(others)), new HealFault());
    }

    private static (Fault, Fault) Flaky(SimRandom random, IReadOnlyList<string> nodes) =>
        (new FlakyFault(5 + random.Next(20), random.Next(10), 5 + random.Next(20)), new StableFault());

    private static (Fault, Fault) Crash(SimRandom random, IReadOnlyList<string> nodes)
    {
        var node = random.Pick(nodes);
        return (new CrashFault(node), new RestartFault(node));
    }

    private static (Fault, Fault) Pause(SimRandom random, IReadOnlyList<string> nodes)
    {
        var node = random.Pick(nodes);
        return (new PauseFault(node), new ResumeFault(node));
    }

    private static (Fault, Fault) Skew(SimRandom random, IReadOnlyList<string> nodes)
    {
        var node = random.Pick(nodes);
        var offsetMs = random.Between(50, 3000) * (random.Chance(0.5) ? -1 : 1);
        return (new SkewFault(node, offsetMs), new SkewFault(node, 0));
    }

    private static (Fault, Fault) Drift(SimRandom random, IReadOnlyList<string> nodes)
    {
        var node = random.Pick(nodes);
        var ppm = random.Between(100, 50_000) * (random.Chance(0.5) ? -1 : 1);
        return (new DriftFault(node, ppm), new DriftFault(node, 0));
    }
}
