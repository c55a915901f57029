namespace Chorus.Simulation.Nodes;

public enum NodeState
{
    /// <summary>Running: handles inputs as they arrive.</summary>
    Up,

    /// <summary>Frozen (a long GC pause, SIGSTOP): inputs queue up and are handled on resume.</summary>
    Paused,

    /// <summary>Not running (crashed, or stopped by a failed invariant).</summary>
    Down,
}

/// <summary>A node stopped itself because production code threw (an invariant, corrupt data): always a finding.</summary>
public sealed record NodeFailure(string Node, long AtUs, string Error);
