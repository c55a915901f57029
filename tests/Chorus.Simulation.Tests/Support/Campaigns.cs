namespace Chorus.Simulation.Tests.Support;

/// <summary>
/// Tests that run many simulations share one collection: each campaign already uses every core,
/// so running two at once on a two-core machine only slows both down.
/// </summary>
[CollectionDefinition(Name)]
public sealed class SimulationCampaigns
{
    public const string Name = "simulation campaigns";
}
