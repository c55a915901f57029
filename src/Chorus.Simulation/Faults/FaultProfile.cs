namespace Chorus.Simulation.Faults;

/// <summary>
/// A recipe for random fault schedules. Faults come in two independent lanes — the network
/// (partitions, one-way cuts, flaky links) and the nodes (crashes, pauses, clock skew and drift)
/// — each a sequence of episodes: a fault, its duration, its repair, then a quiet gap. The
/// weights say how often each kind is picked within its lane; zero switches a kind off.
/// </summary>
public sealed record FaultProfile(string Name, string Description)
{
    public int PartitionWeight { get; init; }
    public int CutWeight { get; init; }
    public int FlakyWeight { get; init; }
    public int CrashWeight { get; init; }
    public int PauseWeight { get; init; }
    public int SkewWeight { get; init; }
    public int DriftWeight { get; init; }

    /// <summary>Mean quiet time between episodes of one lane.</summary>
    public long MeanGapMs { get; init; } = 1200;

    public long EpisodeMinMs { get; init; } = 200;

    public long EpisodeMaxMs { get; init; } = 2000;

    public bool HasNetworkFaults => PartitionWeight + CutWeight + FlakyWeight > 0;

    public bool HasNodeFaults => CrashWeight + PauseWeight + SkewWeight + DriftWeight > 0;

    public static readonly FaultProfile None = new("none", "no faults: only latency");

    public static readonly FaultProfile NetworkFaults = new("network", "partitions, one-way cuts, lossy/duplicating/reordering links")
    {
        PartitionWeight = 3,
        CutWeight = 2,
        FlakyWeight = 3,
    };

    public static readonly FaultProfile Crashes = new("crash", "power loss and restart of any node (losing what was not fsynced), and pauses")
    {
        CrashWeight = 3,
        PauseWeight = 1,
    };

    public static readonly FaultProfile Pauses = new("pause", "long pauses of any node (GC, SIGSTOP)")
    {
        PauseWeight = 1,
    };

    public static readonly FaultProfile Clocks = new("clock", "clock skew (steps, also backwards) and drift")
    {
        SkewWeight = 1,
        DriftWeight = 1,
    };

    public static readonly FaultProfile Chaos = new("chaos", "everything: network faults, crashes, pauses, clocks")
    {
        PartitionWeight = 3,
        CutWeight = 2,
        FlakyWeight = 3,
        CrashWeight = 3,
        PauseWeight = 2,
        SkewWeight = 1,
        DriftWeight = 1,
    };

    public static IReadOnlyList<FaultProfile> All { get; } = [None, NetworkFaults, Crashes, Pauses, Clocks, Chaos];

    public static FaultProfile? Find(string name) => All.FirstOrDefault(p => p.Name == name);
}
