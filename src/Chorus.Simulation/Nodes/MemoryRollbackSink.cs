using Chorus.Node;

namespace Chorus.Simulation.Nodes;

/// <summary>Rollback records kept in memory (a node's rollback files). They survive the node's crashes, as fsynced files do.</summary>
public sealed class MemoryRollbackSink : IRollbackSink
{
    private readonly List<RollbackRecord> _records = [];

    public IReadOnlyList<RollbackRecord> Records => _records;

    public void Write(RollbackRecord record) => _records.Add(record);
}
