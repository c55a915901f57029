using Chorus.Simulation.Checkers;

namespace Chorus.Simulation.Campaigns;

/// <summary>One checker's results summed over the runs of a campaign.</summary>
public sealed class CheckTally(string check, bool claimed)
{
    public string Check { get; } = check;

    /// <summary>The mode promised this check passes: a violation is a bug, not an anomaly.</summary>
    public bool Claimed { get; } = claimed;

    public long Violations { get; private set; }

    public int RunsViolated { get; private set; }

    public int RunsUnknown { get; private set; }

    public int RunsNotApplicable { get; private set; }

    public int? FirstSeed { get; private set; }

    public string? FirstExample { get; private set; }

    /// <summary>The checker's named counts, summed over the runs.</summary>
    public SortedDictionary<string, long> Counts { get; } = new(StringComparer.Ordinal);

    public void Add(int seed, CheckResult result)
    {
        foreach (var (name, count) in result.Counts)
        {
            Counts[name] = Counts.GetValueOrDefault(name) + count;
        }
        switch (result.Verdict)
        {
            case Verdict.Fail:
                Violations += result.Violations.Count;
                RunsViolated++;
                if (FirstSeed is null)
                {
                    FirstSeed = seed;
                    FirstExample = result.Violations[0].Description;
                }
                break;
            case Verdict.Unknown:
                RunsUnknown++;
                break;
            case Verdict.NotApplicable:
                RunsNotApplicable++;
                break;
        }
    }
}
