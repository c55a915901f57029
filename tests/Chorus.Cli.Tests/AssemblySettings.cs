namespace Chorus.Cli.Tests;

/// <summary>
/// Every test here runs a cluster of real processes; on a two-core machine they must not
/// compete, so they share one collection and run one at a time.
/// </summary>
[CollectionDefinition(Name)]
public sealed class ProcessClusters
{
    public const string Name = "process clusters";
}
