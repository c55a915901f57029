using Chorus.Node;

namespace Chorus.Simulation.Nodes;

/// <summary>Rollback records kept in memory (a node's rollback files). They survive the node's crashes, as fsynced files do.</summary>
public sealed class MemoryRollbackSink : IRollbackSink
{
    private readonly List<RollbackRecord> _records = [];

    public IReadOnlyList<RollbackRecord> Records => _records;

    /// <summary>Told of each record as it is written (on the node's loop).</summary>
    public Action<RollbackRecord>? Observed { get; set; }

    public void Write(RollbackRecord record)
    {
        _records.Add(record);
        Observed?.Invoke(record);
    }
}
