namespace Chorus.Simulation.Campaigns;

/// <summary>A campaign's results for one configuration: how much ran, and each checker's tally.</summary>
public sealed class CampaignReport
{
    public required SimulationConfig Template { get; init; }

    public required int FirstSeed { get; init; }

    public required int Runs { get; init; }

    public required long Operations { get; init; }

    public required long SimulatedMs { get; init; }

    public required long Events { get; init; }

    public required TimeSpan Wall { get; init; }

    public required IReadOnlyList<CheckTally> Checks { get; init; }

    /// <summary>Epochs in which some node led, summed over the runs (the first election counts too).</summary>
    public long LeaderEpochs { get; init; }

    /// <summary>Elections the simulated operator started (manual failover).</summary>
    public long OperatorElections { get; init; }

    /// <summary>The first seed with any violation, promised or not.</summary>
    public int? FirstFailingSeed => Checks.Where(c => c.FirstSeed is not null).Min(c => c.FirstSeed);

    /// <summary>The first seed that broke a promise of the mode.</summary>
    public int? FirstBrokenPromiseSeed => Checks.Where(c => c.Claimed && c.FirstSeed is not null).Min(c => c.FirstSeed);

    public bool KeptPromises => FirstBrokenPromiseSeed is null;

    public double OperationsPerWallSecond => Wall.TotalSeconds > 0 ? Operations / Wall.TotalSeconds : 0;

    public CheckTally this[string check] => Checks.Single(c => c.Check == check);
}
