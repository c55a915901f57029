using Chorus.Commands.Data;
using Chorus.Commands.Execution;
using Chorus.Core;
using Chorus.Replication;
using Chorus.Replication.SingleLeader;
using Chorus.Node;
using Chorus.Simulation.Checkers.Elections;
using Chorus.Simulation.Engine;
using Chorus.Simulation.Network;
using Chorus.Simulation.Nodes;
using Chorus.Storage;
using Chorus.Storage.InMemory;

namespace Chorus.Simulation.Cluster;

/// <summary>
/// The nodes and the network between them, and the background activity production has: the
/// loop's 10 ms idle tick, the once-a-second WAL syncer (fsync=everysec), transport reconnects.
/// n1 is the preferred leader (it stands for election at once); whether leadership moves on
/// after that depends on the mode's failover setting. Every node's role and epoch are observed
/// after each input into <see cref="Roles"/>.
/// </summary>
internal sealed class SimCluster
{
    public const long TickIntervalUs = 10_000;
    public const long SyncIntervalUs = 1_000_000;
    public const long ReconnectMinUs = 20_000;
    public const long ReconnectMaxUs = 200_000;

    private readonly Scheduler _scheduler;
    private readonly SimRandom _random;
    private readonly TraceLog _trace;
    private readonly ClusterSetup _setup;
    private readonly Dictionary<NodeId, SimNode> _byId = [];
    private readonly IMessageTamper? _tamper;

    public SimCluster(Scheduler scheduler, SimRandom random, TraceLog trace, ClusterSetup setup)
    {
        _scheduler = scheduler;
        _random = random;
        _trace = trace;
        _setup = setup;
        Members = [.. Enumerable.Range(1, setup.NodeCount).Select(i => new NodeId($"n{i}"))];
        PreferredLeader = Members[0];
        Network = new SimNetwork(scheduler, random, trace, setup.Network, Members) { Deliver = message => _byId[message.To].Receive(message, _tamper) };
        Snapshots = new SnapshotTransfers(this, scheduler, Network, trace);
        SessionLink = new SimSessionLink(Network, peer => _byId[peer], scheduler, SessionLedger);
        _tamper = setup.Mode.NetworkVariant?.Invoke(PreferredLeader, Members);
        var commands = new CommandTable(DataCommands.All);
        foreach (var id in Members)
        {
            _byId[id] = NewNode(id, commands);
        }
        Nodes = [.. Members.Select(id => _byId[id])];
    }

    public IReadOnlyList<NodeId> Members { get; }

    public IReadOnlyList<SimNode> Nodes { get; }

    /// <summary>The node configured to lead (the `--leader` option): it stands for election at once.</summary>
    public NodeId PreferredLeader { get; }

    /// <summary>The running node that believes it leads in the highest epoch, if any (for the final state and the operator; clients must find the leader themselves).</summary>
    public SimNode? CurrentLeader => Nodes.Where(n => n.State == NodeState.Up && n.IsLeader).MaxBy(n => n.DurableEpoch.Value);

    /// <summary>Every change of a node's role or epoch.</summary>
    public RoleLog Roles { get; } = new();

    public SimNetwork Network { get; }

    /// <summary>Snapshot bootstraps of followers the leader's log no longer covers.</summary>
    public SnapshotTransfers Snapshots { get; }

    public AuthoredLog Authored { get; } = new();

    /// <summary>Named sessions' lookups between nodes (production's SessionService).</summary>
    public SimSessionLink SessionLink { get; }

    /// <summary>What the nodes recorded and noticed of named sessions' writes (for the rollback-notices check).</summary>
    public SessionLedger SessionLedger { get; } = new();

    public List<NodeFailure> Failures { get; } = [];

    public SimNode this[NodeId id] => _byId[id];

    public void StartAll()
    {
        foreach (var node in Nodes)
        {
            Start(node, connect: false);
        }
        foreach (var from in Members)
        {
            foreach (var to in Members.Where(m => m != from))
            {
                ConnectLater(from, to);
            }
        }
    }

    /// <summary>(Re)starts a node on its disk, with its background activity and reconnecting peers.</summary>
    public void Start(SimNode node, bool connect = true)
    {
        node.Start(_random.NextSeed());
        Trace(node.Id, () => $"start: {Describe(node)}");
        Every(node, TickIntervalUs, node => node.Tick());
        if (_setup.Durability == DurabilityPolicy.EverySecond)
        {
            Every(node, SyncIntervalUs, node => node.SyncInBackground());
        }
        if (node.Storage is IWriteback writeback)
        {
            Every(node, SyncIntervalUs, _ => writeback.Writeback());
        }
        if (connect)
        {
            foreach (var peer in Members.Where(m => m != node.Id))
            {
                ConnectLater(node.Id, peer);
                ConnectLater(peer, node.Id);
            }
        }
    }

    /// <summary>The stream from <paramref name="from"/> to <paramref name="to"/> is re-established after a backoff, if it can be.</summary>
    public void ConnectLater(NodeId from, NodeId to) =>
        _scheduler.After(_random.Between(ReconnectMinUs, ReconnectMaxUs), () =>
        {
            if (_byId[from].State != NodeState.Down && _byId[to].State != NodeState.Down && !Network.IsCut(from, to))
            {
                Trace(from, () => $"stream to {to} established");
                _byId[from].PeerConnected(to);
            }
        });

    public static string Describe(SimNode node) => node.Driver is { } driver
        ? $"{(node.IsLeader ? "leader" : "follower")} applied={driver.Applied.Applied} epoch={driver.Status.Epoch}"
        : node.State.ToString().ToLowerInvariant();

    private SimNode NewNode(NodeId id, CommandTable commands)
    {
        var disk = new InMemoryStorageEngine();
        IStorageEngine storage = new LogTap(disk, id, Authored);
        if (_setup.Mode.StorageVariant is { } variant)
        {
            storage = variant(id, PreferredLeader, storage);
        }
        var cluster = new ClusterConfig(id, PreferredLeader, Members) { InitialAck = _setup.Mode.Ack, InitialFailover = _setup.Mode.Failover };
        var options = new NodeDriverOptions(id, new SingleLeaderFamily(new ReplicationOptions { ReadLease = _setup.Mode.ReadLease, FollowerResync = _setup.Mode.FollowerResync }, cluster, $"{id}.sim:6379"))
        {
            Durability = _setup.Durability,
            LogFormat = _setup.Mode.LogFormat,
            ForwardLink = new SimForwardLink(id, Network, peer => _byId[peer]),
            ForwardTimeoutMs = _setup.Mode.ForwardTimeoutMs,
            Retention = _setup.Mode.Retention ?? new Chorus.Replication.Log.RetentionOptions(),
            RetentionIntervalMs = _setup.Mode.Retention is null ? 5000 : 100,
        };
        return new SimNode(id, options, disk, storage, commands, new SimTransport(Network), _scheduler, _trace, Failures) { Handled = ObserveRole, SnapshotRequested = (node, request) => Snapshots.OnRequested(node, request), RolledBack = (node, record) => SessionLink.OnRollback(node, record) };
    }

    private void ObserveRole(SimNode node)
    {
        var observation = new RoleObservation(_scheduler.NowUs, node.Id.Value, node.Incarnation, node.IsLeader, node.DurableEpoch.Value);
        var changes = Roles.Changes.Count;
        Roles.Observe(observation);
        if (Roles.Changes.Count > changes && _trace.Enabled)
        {
            _trace.Add(_scheduler.NowUs, node.Id.Value, $"role: {(observation.IsLeader ? "leader" : node.Driver?.Status.Leader is { } leader ? $"follower of {leader}" : "no leader known")} in epoch {observation.Epoch}");
        }
    }

    /// <summary>A periodic activity of one life of a node: it stops when the node goes down, and skips while it is paused.</summary>
    private void Every(SimNode node, long periodUs, Action<SimNode> action)
    {
        var incarnation = node.Incarnation;
        void Fire()
        {
            if (node.Incarnation != incarnation || node.State == NodeState.Down)
            {
                return;
            }
            if (node.State == NodeState.Up)
            {
                action(node);
            }
            _scheduler.After(periodUs, Fire);
        }
        _scheduler.After(_random.Between(1, periodUs), Fire);
    }

    private void Trace(NodeId node, Func<string> text)
    {
        if (_trace.Enabled)
        {
            _trace.Add(_scheduler.NowUs, node.Value, text());
        }
    }
}
