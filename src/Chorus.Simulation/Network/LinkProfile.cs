namespace Chorus.Simulation.Network;

/// <summary>
/// How one directed link between two nodes behaves: its delay distribution and how often it
/// drops, duplicates or badly delays (reorders) a message.
/// </summary>
public sealed record LinkProfile(LatencyDistribution Latency, double DropProbability = 0, double DuplicateProbability = 0, double ReorderProbability = 0)
{
    /// <summary>A reordered message is held back by up to this many typical delays, so later ones overtake it.</summary>
    public const int ReorderDelayFactor = 20;
}
