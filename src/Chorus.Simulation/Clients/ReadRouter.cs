using Chorus.Core;
using Chorus.Simulation.Engine;
using Chorus.Simulation.Modes;

namespace Chorus.Simulation.Clients;

/// <summary>One client session's choice of node for each read, as its mode prescribes.</summary>
internal sealed class ReadRouter(ClusterMode mode, IReadOnlyList<NodeId> members, NodeId leader)
{
    private long? _lastWriteAcknowledgedUs;

    public NodeId ForRead(SimRandom random, long nowUs) => mode.Reads switch
    {
        ReadRouting.Leader => leader,
        ReadRouting.AnyNode => random.Pick(members),
        ReadRouting.LeaderWindow => _lastWriteAcknowledgedUs is { } at && nowUs - at <= mode.LeaderWindowMs * 1000 ? leader : random.Pick(members),
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode.Reads, null),
    };

    public void OnWriteAcknowledged(long nowUs) => _lastWriteAcknowledgedUs = nowUs;
}
