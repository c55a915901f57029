using System.Globalization;
using System.Text;
using Chorus.Simulation.Checkers.Linearizability;
using Chorus.Storage;

namespace Chorus.Simulation;

/// <summary>
/// Everything a run depends on. A run is a pure function of this record: the same config (seed
/// included) gives the same trace, history and verdicts.
/// </summary>
public sealed record SimulationConfig
{
    /// <summary>A cluster mode from <see cref="Modes.ClusterModes"/>.</summary>
    public string Mode { get; init; } = "async";

    /// <summary>A workload from <see cref="Workloads.WorkloadRegistry"/>.</summary>
    public string Workload { get; init; } = "list-append";

    /// <summary>A fault profile name or a fault script (see <see cref="Faults.FaultPlan"/>).</summary>
    public string Faults { get; init; } = "none";

    /// <summary>A network profile (lan, wan).</summary>
    public string Network { get; init; } = "lan";

    /// <summary>Overrides the mode's fsync policy.</summary>
    public DurabilityPolicy? Durability { get; init; }

    /// <summary>
    /// Overrides the staleness bound of a mode whose reads carry one (failover-bounded-follower-reads:
    /// 500 ms); modes whose reads carry none ignore it. Null: the mode's.
    /// </summary>
    public long? BoundMs { get; init; }

    public int Seed { get; init; } = 1;

    public int Nodes { get; init; } = 3;

    public int Clients { get; init; } = 5;

    /// <summary>How long clients run and faults happen (virtual time).</summary>
    public long DurationMs { get; init; } = 5_000;

    /// <summary>After the repair: quiet time for replicas to converge before the final checks.</summary>
    public long QuiesceMs { get; init; } = 4_000;

    public long ThinkMeanMs { get; init; } = 20;

    public long ClientTimeoutMs { get; init; } = 1_000;

    /// <summary>How often the prefix property is observed on every running node.</summary>
    public long PrefixSampleIntervalMs { get; init; } = 500;

    public SearchBudget SearchBudget { get; init; } = SearchBudget.Default;

    /// <summary>Record the event trace (costs time; off in campaigns).</summary>
    public bool Trace { get; init; }

    /// <summary>The command line that replays this run with its trace.</summary>
    public string Reproducer()
    {
        var text = new StringBuilder("chorus sim");
        text.Append(CultureInfo.InvariantCulture, $" --config {Mode} --workload {Workload} --faults {Quote(Faults)}");
        var defaults = new SimulationConfig();
        if (Network != defaults.Network)
        {
            text.Append(" --network ").Append(Network);
        }
        if (Durability is { } durability)
        {
            text.Append(" --fsync ").Append(DurabilityPolicies.Name(durability));
        }
        if (BoundMs is { } boundMs)
        {
            text.Append(CultureInfo.InvariantCulture, $" --bound-ms {boundMs}");
        }
        Append(text, "--nodes", Nodes, defaults.Nodes);
        Append(text, "--clients", Clients, defaults.Clients);
        Append(text, "--duration-ms", DurationMs, defaults.DurationMs);
        text.Append(CultureInfo.InvariantCulture, $" --seed {Seed} --trace");
        return text.ToString();
    }

    private static void Append(StringBuilder text, string flag, long value, long defaultValue)
    {
        if (value != defaultValue)
        {
            text.Append(CultureInfo.InvariantCulture, $" {flag} {value}");
        }
    }

    private static string Quote(string value) => value.Contains(' ', StringComparison.Ordinal) ? $"\"{value}\"" : value;
}
