namespace Chorus.Simulation.History;

/// <summary>Hands out operation ids and session positions at invocation, and collects completed operations.</summary>
internal sealed class HistoryRecorder
{
    private readonly List<Operation> _operations = [];
    private readonly Dictionary<string, int> _sessionPositions = new(StringComparer.Ordinal);
    private int _nextId = 1;

    public (int Id, int SessionIndex) Invoke(string client)
    {
        var index = _sessionPositions.GetValueOrDefault(client);
        _sessionPositions[client] = index + 1;
        return (_nextId++, index);
    }

    public void Complete(Operation operation) => _operations.Add(operation);

    /// <summary>Every WAIT clients issued, in completion order (not operations: no checker reads them as writes or reads).</summary>
    public List<ReplicaWaitRecord> Waits { get; } = [];

    public OperationHistory Build() => new([.. _operations.OrderBy(o => o.Id)]);
}
