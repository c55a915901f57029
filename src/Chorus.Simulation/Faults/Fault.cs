using System.Globalization;

namespace Chorus.Simulation.Faults;

/// <summary>
/// One thing done to the cluster at a moment of the run. Each fault prints itself in the
/// scripted format (<see cref="FaultScript"/>), so a random schedule can be replayed as a script.
/// </summary>
public abstract record Fault
{
    public abstract string ToScript();

    /// <summary>The nodes a fault names (checked against the cluster's members before a run).</summary>
    public virtual IEnumerable<string> Nodes => [];
}

/// <summary>Cuts every link between the groups, both ways. Nodes in no group keep all their links.</summary>
public sealed record PartitionFault(IReadOnlyList<IReadOnlyList<string>> Groups) : Fault
{
    public override string ToScript() => "partition " + string.Join(" | ", Groups.Select(g => string.Join(",", g)));

    public override IEnumerable<string> Nodes => Groups.SelectMany(g => g);
}

/// <summary>A one-way partition: messages from <paramref name="From"/> to <paramref name="To"/> are lost; the other way works.</summary>
public sealed record CutFault(string From, string To) : Fault
{
    public override string ToScript() => $"cut {From} -> {To}";

    public override IEnumerable<string> Nodes => [From, To];
}

/// <summary>Restores every cut link.</summary>
public sealed record HealFault : Fault
{
    public override string ToScript() => "heal";
}

/// <summary>Power loss: the node stops and loses every write not yet fsynced.</summary>
public sealed record CrashFault(string Node) : Fault
{
    public override string ToScript() => $"crash {Node}";

    public override IEnumerable<string> Nodes => [Node];
}

public sealed record RestartFault(string Node) : Fault
{
    public override string ToScript() => $"restart {Node}";

    public override IEnumerable<string> Nodes => [Node];
}

/// <summary>The node freezes (a long GC, SIGSTOP); with a duration it resumes by itself.</summary>
public sealed record PauseFault(string Node, long? ForMs = null) : Fault
{
    public override string ToScript() => ForMs is { } ms ? $"pause {Node} for {FaultScript.FormatDuration(ms)}" : $"pause {Node}";

    public override IEnumerable<string> Nodes => [Node];
}

/// <summary>
/// The node is starved of CPU (a loaded machine): after each loop round, the next one starts only
/// up to <paramref name="GapMaxMs"/> later, and its inputs pile up meanwhile; with a duration it
/// recovers by itself. <c>starve n1 0ms</c> ends it.
/// </summary>
public sealed record StarveFault(string Node, long GapMaxMs, long? ForMs = null) : Fault
{
    public override string ToScript() => $"starve {Node} {FaultScript.FormatDuration(GapMaxMs)}" + (ForMs is { } ms ? $" for {FaultScript.FormatDuration(ms)}" : "");

    public override IEnumerable<string> Nodes => [Node];
}

public sealed record ResumeFault(string Node) : Fault
{
    public override string ToScript() => $"resume {Node}";

    public override IEnumerable<string> Nodes => [Node];
}

/// <summary>
/// An operator's FAILOVER TO <paramref name="Target"/> (Redis 6.2) on whichever node leads: writes
/// pause, the target catches up and is told to stand for election, the old leader steps down.
/// </summary>
public sealed record FailoverFault(string Target) : Fault
{
    public override string ToScript() => $"failover {Target}";

    public override IEnumerable<string> Nodes => [Target];
}

/// <summary>Steps the node's clock to <paramref name="OffsetMs"/> away from true time.</summary>
public sealed record SkewFault(string Node, long OffsetMs) : Fault
{
    public override string ToScript() => string.Create(CultureInfo.InvariantCulture, $"skew {Node} {(OffsetMs >= 0 ? "+" : "")}{OffsetMs}ms");

    public override IEnumerable<string> Nodes => [Node];
}

/// <summary>The node's clock runs fast (positive) or slow by <paramref name="Ppm"/> parts per million.</summary>
public sealed record DriftFault(string Node, long Ppm) : Fault
{
    public override string ToScript() => string.Create(CultureInfo.InvariantCulture, $"drift {Node} {Ppm}ppm");

    public override IEnumerable<string> Nodes => [Node];
}

/// <summary>Every link loses, duplicates and reorders at least this share of messages (percentages).</summary>
public sealed record FlakyFault(int DropPercent, int DuplicatePercent, int ReorderPercent) : Fault
{
    public override string ToScript() => string.Create(CultureInfo.InvariantCulture, $"flaky drop {DropPercent}% dup {DuplicatePercent}% reorder {ReorderPercent}%");
}

/// <summary>Links behave as their profile says again (ends <see cref="FlakyFault"/>).</summary>
public sealed record StableFault : Fault
{
    public override string ToScript() => "stable";
}

/// <summary>A fault and when it happens, in milliseconds from the start of the run.</summary>
public sealed record ScheduledFault(long AtMs, Fault Fault)
{
    public override string ToString() => $"at {FaultScript.FormatDuration(AtMs)} {Fault.ToScript()}";
}
