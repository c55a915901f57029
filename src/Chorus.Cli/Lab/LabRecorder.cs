using System.Collections.Concurrent;
using System.Diagnostics;
using Chorus.Simulation.History;

namespace Chorus.Cli.Lab;

/// <summary>
/// What one lab run records, on one clock that starts with the run: every client operation (as
/// the simulator's <see cref="Operation"/>, so its checkers read the history unchanged), every
/// fault the lab injected, and the leader's view of each follower's lag.
/// </summary>
internal sealed class LabRecorder
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly ConcurrentQueue<Operation> _operations = new();
    private readonly ConcurrentQueue<LabFault> _faults = new();
    private readonly ConcurrentQueue<LagSample> _lag = new();
    private int _lastId;

    /// <summary>Microseconds since the run began.</summary>
    public long NowUs => _clock.Elapsed.Ticks / TimeSpan.TicksPerMicrosecond;

    /// <summary>Operation ids are handed out at invocation, so id order is invocation order (as the checkers expect).</summary>
    public int NextId() => Interlocked.Increment(ref _lastId);

    public void Add(Operation operation) => _operations.Enqueue(operation);

    public void Fault(string label) => _faults.Enqueue(new LabFault(NowUs, label));

    /// <summary>A fault that lasted from <paramref name="startUs"/> until now (a held link).</summary>
    public void Fault(string label, long startUs) => _faults.Enqueue(new LabFault(startUs, label) { EndUs = NowUs });

    public void Lag(LagSample sample) => _lag.Enqueue(sample);

    public OperationHistory History() => new([.. _operations.OrderBy(o => o.Id)]);

    public IReadOnlyList<LabFault> Faults => [.. _faults.OrderBy(f => f.AtUs)];

    public IReadOnlyList<LagSample> LagSamples => [.. _lag.OrderBy(s => s.AtUs)];
}

/// <summary>A fault the lab injected (or healed), at microseconds since the run began; one that lasted has an end.</summary>
internal sealed record LabFault(long AtUs, string Label)
{
    public long? EndUs { get; init; }

    public string When => EndUs is { } end
        ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{AtUs / 1e6:0.00}–{end / 1e6:0.00} s")
        : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{AtUs / 1e6:0.00} s");
}

/// <summary>The leader's view of one follower's replication lag at one moment.</summary>
internal sealed record LagSample(long AtUs, string Node, long Entries, long Ms);
