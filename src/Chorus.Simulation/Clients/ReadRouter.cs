using Chorus.Core;
using Chorus.Node;
using Chorus.Simulation.Engine;
using Chorus.Simulation.Modes;

namespace Chorus.Simulation.Clients;

/// <summary>
/// One client session's choice of node for each read, as its mode prescribes; "the leader" is the
/// session's current belief. <paramref name="readGuard"/> is the mode's read guard as the run
/// configures it (a bounded mode's bound may be overridden).
/// </summary>
internal sealed class ReadRouter(ClusterMode mode, ReadGuard? readGuard, IReadOnlyList<NodeId> members, LeaderHint leader)
{
    private long? _lastWriteAcknowledgedUs;
    private Lsn _written;
    private Lsn _seen;

    public NodeId ForRead(SimRandom random, long nowUs) => mode.Reads switch
    {
        ReadRouting.Leader => leader.Current,
        ReadRouting.AnyNode => random.Pick(members),
        ReadRouting.LeaderWindow => _lastWriteAcknowledgedUs is { } at && nowUs - at <= mode.LeaderWindowMs * 1000 ? leader.Current : random.Pick(members),
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode.Reads, null),
    };

    /// <summary>A request's first write attempt: any node when writes go through any node (followers forward them), else the leader as the session believes.</summary>
    public NodeId ForWrite(SimRandom random) => mode.WritesThroughAnyNode ? random.Pick(members) : leader.Current;

    /// <summary>Reads routed to the leader are served only by a node that believes it leads (others redirect) — unless guarded: the node's read gate then decides.</summary>
    public bool LeaderOnly => mode.Reads == ReadRouting.Leader && readGuard is null;

    /// <summary>
    /// The guarantee this read asks for (null: none, the local replica as it is): the mode's, or
    /// one made from the session's position — its latest acknowledged write and the newest state
    /// a read showed it — as a production connection's token makes one.
    /// </summary>
    public ReadGuard? Guard => mode.SessionGuard is { } sessionGuard ? sessionGuard(_written, _seen) : readGuard;

    /// <summary>WAIT after each acknowledged write, as the mode says (null: never).</summary>
    public (int Replicas, long TimeoutMs)? WaitAfterWrites => mode.WaitAfterWrites;

    /// <summary>The session's latest acknowledged write.</summary>
    public Lsn Written => _written;

    /// <summary>The newest state a read showed the session.</summary>
    public Lsn Seen => _seen;

    public void OnWriteAcknowledged(long nowUs, Lsn written)
    {
        _lastWriteAcknowledgedUs = nowUs;
        _written = Lsn.Max(_written, written);
    }

    /// <summary>A guarded read was served at <paramref name="at"/>: the session has seen that state.</summary>
    public void OnServedAt(Lsn at) => _seen = Lsn.Max(_seen, at);
}
