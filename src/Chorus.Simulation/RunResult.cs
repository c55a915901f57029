using Chorus.Simulation.Checkers;
using Chorus.Simulation.Checkers.Elections;
using Chorus.Simulation.Faults;
using Chorus.Simulation.History;

namespace Chorus.Simulation;

/// <summary>Counts from one run.</summary>
public sealed record RunStats(long Operations, long Events, long MessagesSent, long MessagesDropped, long SimulatedMs, int Crashes)
{
    /// <summary>Epochs in which some node led (1 when leadership never moved).</summary>
    public int LeaderEpochs { get; init; }

    /// <summary>Elections the simulated operator started (manual failover only).</summary>
    public int OperatorElections { get; init; }

    /// <summary>Write commands followers forwarded to a leader (summed over the nodes' last lives).</summary>
    public long ForwardedWrites { get; init; }

    /// <summary>Snapshots installed on followers, and snapshot requests or chunks asked for again after a loss.</summary>
    public int SnapshotsInstalled { get; init; }

    public int SnapshotResends { get; init; }

    /// <summary>Of <see cref="SnapshotsInstalled"/>, the Merkle resyncs, and the rows they copied.</summary>
    public int MerkleResyncs { get; init; }

    public long MerkleRowsCopied { get; init; }

    /// <summary>Entries only a follower's replaced disk held, staged as rollbacks when a snapshot was installed on it.</summary>
    public int SnapshotRolledBackEntries { get; init; }
}

/// <summary>Everything one run produced: its history, every checker's verdict, what the mode promised, and the trace if asked for.</summary>
public sealed record RunResult(
    SimulationConfig Config,
    OperationHistory History,
    IReadOnlyList<CheckResult> Checks,
    IReadOnlySet<string> Claimed,
    IReadOnlyList<ScheduledFault> Faults,
    RunStats Stats,
    string Trace)
{
    /// <summary>Every change of a node's role or epoch during the run.</summary>
    public IReadOnlyList<RoleObservation> Roles { get; init; } = [];

    /// <summary>Every WAIT clients issued (modes with WAIT after writes), with the truth when each was answered.</summary>
    public IReadOnlyList<ReplicaWaitRecord> Waits { get; init; } = [];

    /// <summary>Every key's final value, read at the final leader after the quiet time (what the loss checker judged).</summary>
    public IReadOnlyDictionary<string, string?> FinalValues { get; init; } = new Dictionary<string, string?>();

    public CheckResult this[string check] => Checks.Single(c => c.Check == check);

    /// <summary>Checks the mode promised that found violations: these are bugs.</summary>
    public IEnumerable<CheckResult> BrokenPromises => Checks.Where(c => c.Verdict == Verdict.Fail && Claimed.Contains(c.Check));

    public bool HasViolations => Checks.Any(c => c.Verdict == Verdict.Fail);
}
