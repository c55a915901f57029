using Chorus.Core;
using Chorus.Node;
using Chorus.Node.Sessions;

namespace Chorus.Simulation.Nodes;

/// <summary>
/// What the simulator saw of named sessions' rollback bookkeeping, for the rollback-notices
/// checker: which write groups a leader recorded for which session (and in which life of that
/// node), which entries each node rolled back, and which notices the nodes produced.
/// </summary>
public sealed class SessionLedger
{
    private readonly List<(string Session, WriteGroup Made, NodeId Node, int Incarnation)> _recorded = [];
    private readonly List<(NodeId Node, int Incarnation, RollbackRecord Record)> _rollbacks = [];
    private readonly HashSet<(string Session, Lsn Lsn, Epoch Epoch)> _noticed = [];

    public IReadOnlyList<(string Session, WriteGroup Made, NodeId Node, int Incarnation)> RecordedGroups => _recorded;

    public IReadOnlyList<(NodeId Node, int Incarnation, RollbackRecord Record)> Rollbacks => _rollbacks;

    public bool WasNoticed(string session, Lsn lsn, Epoch epoch) => _noticed.Contains((session, lsn, epoch));

    internal void Recorded(string session, WriteGroup made, NodeId node, int incarnation) => _recorded.Add((session, made, node, incarnation));

    internal void RolledBack(NodeId node, int incarnation, RollbackRecord record) => _rollbacks.Add((node, incarnation, record));

    internal void Noticed(string session, Lsn lsn, Epoch epoch) => _noticed.Add((session, lsn, epoch));
}
