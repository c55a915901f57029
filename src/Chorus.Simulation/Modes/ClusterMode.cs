using Chorus.Core;
using Chorus.Node;
using Chorus.Replication.Election;
using Chorus.Replication.Quorum;
using Chorus.Simulation.Network;
using Chorus.Storage;

namespace Chorus.Simulation.Modes;

/// <summary>
/// A cluster configuration the simulator can run: how the cluster replicates and acknowledges,
/// where clients read, and what it promises (the checks whose violations are failures rather
/// than documented anomalies). Deliberately broken variants are modes too, marked
/// <see cref="IsBroken"/>, with the hooks (storage and network decorators) that break them.
/// </summary>
public sealed class ClusterMode
{
    public required string Name { get; init; }

    public required string Description { get; init; }

    /// <summary>When the leader acknowledges a write (async, semi-sync any K, sync all).</summary>
    public AckPolicy Ack { get; init; } = AckPolicy.Default;

    public ReadRouting Reads { get; init; } = ReadRouting.Leader;

    /// <summary>The guarantee clients ask for on every read, served through the node's read gate (null: none).</summary>
    public ReadGuard? ReadGuard { get; init; }

    /// <summary>
    /// The guarantee each read asks for, made from the session's position: its latest acknowledged
    /// write's LSN and the newest LSN a read was served at (production's read-your-writes token and
    /// monotonic floor). Takes precedence over <see cref="ReadGuard"/>. Null: none.
    /// </summary>
    public Func<Lsn, Lsn, ReadGuard>? SessionGuard { get; init; }

    /// <summary>
    /// Clients are devices of named sessions, two per session (CHORUS.SESSION, as Chorus.Client names
    /// them per command): each write is recorded at the leader with its entries before it completes,
    /// and each guarded read first brings the session up to the leader's record.
    /// </summary>
    public bool NamedSessions { get; init; }

    /// <summary>Leaders serve linearizable reads under a read lease (clock-based) instead of a quorum round per read.</summary>
    public bool ReadLease { get; init; }

    /// <summary>
    /// Who replaces a leader that stops answering. Manual (the default) keeps the preferred
    /// leader n1 in charge: followers never stand for election, n1 re-elects itself after losing
    /// its lease, and the simulated operator elects the most up-to-date node only when no node has
    /// led for a long while (n1 came back from a power loss with a shorter log). Auto: elections.
    /// </summary>
    public FailoverMode Failover { get; init; } = FailoverMode.Manual;

    /// <summary>For <see cref="ReadRouting.LeaderWindow"/>: how long after a write the session reads at the leader.</summary>
    public long LeaderWindowMs { get; init; }

    public DurabilityPolicy Durability { get; init; } = DurabilityPolicy.EverySecond;

    /// <summary>
    /// Clients send each write to a node picked at random, and a follower forwards it to the
    /// leader (replica-writes forward, production's default). Off: clients write to the node they
    /// believe leads and follow READONLY redirects.
    /// </summary>
    public bool WritesThroughAnyNode { get; init; }

    /// <summary>How much log nodes keep (null: production's defaults); a small backlog sends a follower that fell behind to a snapshot, checked every 100 ms.</summary>
    public Chorus.Replication.Log.RetentionOptions? Retention { get; init; }

    /// <summary>How a follower that fell out of the leader's backlog resyncs (production's --follower-resync).</summary>
    public Chorus.Replication.FollowerResync FollowerResync { get; init; }

    /// <summary>After each acknowledged write, the client issues WAIT with these arguments on the node that acknowledged it (null: never).</summary>
    public (int Replicas, long TimeoutMs)? WaitAfterWrites { get; init; }

    /// <summary>How long a follower waits for the leader's answer to a forwarded write (below the clients' timeout, so they hear "in doubt" from it).</summary>
    public long ForwardTimeoutMs { get; init; } = 400;

    /// <summary>A deliberately broken variant: it exists to prove a checker catches the bug.</summary>
    /// <summary>The log format the cluster is created with (statement modes; default logical).</summary>
    public Chorus.Commands.Statements.LogFormatSetting LogFormat { get; init; } = Chorus.Commands.Statements.LogFormatSetting.Default;

    public bool IsBroken { get; init; }

    /// <summary>For a broken variant: the check that must report it.</summary>
    public string? CaughtBy { get; init; }

    /// <summary>Wraps a node's storage (node, leader, storage) — e.g. a disk that lies about fsync.</summary>
    public Func<NodeId, NodeId, IStorageEngine, IStorageEngine>? StorageVariant { get; init; }

    /// <summary>Rewrites messages on delivery (leader, members) — e.g. entries reordered for one follower.</summary>
    public Func<NodeId, IReadOnlyList<NodeId>, IMessageTamper>? NetworkVariant { get; init; }

    /// <summary>The checks this mode promises to pass, given its durability and the faults.</summary>
    public required Func<ClaimContext, IReadOnlySet<string>> Claims { get; init; }

    public override string ToString() => Name;
}
