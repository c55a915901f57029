using Chorus.Core;

namespace Chorus.Replication;

/// <summary>Who is in the cluster and, while leadership is fixed by configuration, who leads.</summary>
public sealed record ClusterConfig(NodeId Self, NodeId Leader, IReadOnlyList<NodeId> Members)
{
    public IEnumerable<NodeId> Peers => Members.Where(m => m != Self);

    public bool SelfIsLeader => Self == Leader;
}
