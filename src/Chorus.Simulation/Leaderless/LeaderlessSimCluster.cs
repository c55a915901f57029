using Chorus.Commands.Execution;
using Chorus.Commands.Keyspace;
using Chorus.Commands.Leaderless;
using Chorus.Commands.Values;
using Chorus.Core;
using Chorus.Core.Versions;
using Chorus.Node;
using Chorus.Replication.Leaderless;
using Chorus.Resp;
using Chorus.Simulation.Engine;
using Chorus.Simulation.Network;
using Chorus.Simulation.Nodes;
using Chorus.Storage;
using Chorus.Storage.InMemory;

namespace Chorus.Simulation.Leaderless;

/// <summary>
/// A simulated leaderless cluster: the production node shell and leaderless core on every node,
/// over in-memory disks and the simulated network, driven by one seed. Clients send commands to
/// any node (each command is one client write batch, as the RESP front end sends it) and get the
/// reply after the client link's delay. Faults: crash (losing what was not synced), restart,
/// partition, heal.
/// </summary>
internal sealed class LeaderlessSimCluster
{
    public const long TickIntervalUs = 10_000;

    /// <summary>Events one run may take at most: a runaway schedule stops the run instead of hanging it.</summary>
    public const long EventsMax = 50_000_000;

    private readonly Scheduler _scheduler = new(EventsMax);
    private readonly SimRandom _random;
    private readonly TraceLog _trace;
    private readonly NetworkProfile _profile;
    private readonly Dictionary<NodeId, SimNode> _nodes = [];
    private readonly List<NodeFailure> _failures = [];

    /// <param name="spares">Nodes beyond the ring's <paramref name="nodeCount"/>, created outside it (to join with CHORUS.RING ADD) and not started.</param>
    public LeaderlessSimCluster(int seed, int nodeCount, LeaderlessSettings settings, NetworkProfile? network = null, bool trace = false, int spares = 0)
    {
        _random = new SimRandom(seed);
        _trace = new TraceLog(trace);
        _profile = network ?? NetworkProfile.Lan;
        Members = [.. Enumerable.Range(1, nodeCount).Select(i => new NodeId($"n{i}"))];
        Spares = [.. Enumerable.Range(nodeCount + 1, spares).Select(i => new NodeId($"n{i}"))];
        Settings = settings;
        Network = new SimNetwork(_scheduler, _random, _trace, _profile, [.. Members, .. Spares]) { Deliver = message => _nodes[message.To].Receive(message, null) };
        var ring = new RingConfig(1, [.. Members.Select(Member)]);
        Ring = new HashRing(Members, settings.VirtualNodesPerNode);
        var commands = new CommandTable(LeaderlessCommands.All);
        foreach (var id in Members.Concat(Spares))
        {
            var disk = new InMemoryStorageEngine();
            // A spare starts as a joining node does: with the members' ring at version 0.
            var family = new LeaderlessFamily(settings, Members.Contains(id) ? ring : ring with { Version = 0 });
            var options = new NodeDriverOptions(id, family) { Durability = DurabilityPolicy.Always };
            _nodes[id] = new SimNode(id, options, disk, disk, commands, new SimTransport(Network), _scheduler, _trace, _failures);
        }
    }

    /// <summary>The members of the ring the cluster starts with.</summary>
    public IReadOnlyList<NodeId> Members { get; }

    /// <summary>Nodes created outside the ring, to be added (<see cref="Member"/> gives the addresses CHORUS.RING ADD takes).</summary>
    public IReadOnlyList<NodeId> Spares { get; }

    /// <summary>Where a node is reached in the simulation: its peer address and client endpoint.</summary>
    public static RingMember Member(NodeId id) => new(id, $"{id}.sim:7000", $"{id}.sim:6379");

    public LeaderlessSettings Settings { get; }

    public HashRing Ring { get; }

    public SimNetwork Network { get; }

    public SimRandom Random => _random;

    public long NowMs => _scheduler.NowUs / 1000;

    /// <summary>Exceptions that stopped a node (an invariant broke): a correct run has none.</summary>
    public IReadOnlyList<NodeFailure> Failures => _failures;

    public string Trace => _trace.Text;

    public SimNode this[NodeId id] => _nodes[id];

    public void StartAll()
    {
        foreach (var id in Members)
        {
            Start(id);
        }
    }

    /// <summary>(Re)starts a node on its disk; its peers' streams to it come back.</summary>
    public void Start(NodeId id)
    {
        var node = _nodes[id];
        node.Start(_random.NextSeed());
        var incarnation = node.Incarnation;
        void Tick()
        {
            if (node.Incarnation == incarnation && node.State != NodeState.Down)
            {
                node.Tick();
                _scheduler.After(TickIntervalUs, Tick);
            }
        }
        _scheduler.After(_random.Between(1, TickIntervalUs), Tick);
        foreach (var peer in Members.Concat(Spares).Where(m => m != id))
        {
            _scheduler.After(_random.Between(1_000, 20_000), () => ConnectIfUp(id, peer));
            _scheduler.After(_random.Between(1_000, 20_000), () => ConnectIfUp(peer, id));
        }
    }

    /// <summary>Power loss: the node stops and loses what it had not synced.</summary>
    public void Crash(NodeId id) => _nodes[id].Crash();

    /// <summary>Runs <paramref name="action"/> after <paramref name="ms"/> of virtual time.</summary>
    public void RunLater(long ms, Action action) => _scheduler.After(ms * 1000, action);

    /// <summary>Runs <paramref name="action"/> after <paramref name="us"/> microseconds of virtual time.</summary>
    public void RunLaterUs(long us, Action action) => _scheduler.After(us, action);

    /// <summary>Runs the simulation for <paramref name="ms"/> of virtual time.</summary>
    public void RunFor(long ms) => _scheduler.RunUntil(_scheduler.NowUs + (ms * 1000));

    /// <summary>Runs until <paramref name="done"/> holds (checked every 10 ms of virtual time) or <paramref name="msMax"/> pass; whether it held.</summary>
    public bool RunUntil(Func<bool> done, long msMax)
    {
        var end = _scheduler.NowUs + (msMax * 1000);
        while (!done())
        {
            if (_scheduler.NowUs >= end)
            {
                return false;
            }
            _scheduler.RunUntil(Math.Min(end, _scheduler.NowUs + TickIntervalUs));
        }
        return true;
    }

    /// <summary>A client sends one command to <paramref name="node"/>; <paramref name="reply"/> gets the answer (an error if the node was down or crashed).</summary>
    public void Send(NodeId node, string[] command, Action<RespValue> reply)
    {
        var latency = _profile.ClientLatency;
        _scheduler.After(latency.Sample(_random), () =>
        {
            var batch = new ClientWriteBatch();
            batch.Commands.Add(command);
            _nodes[node].SubmitWrites(
                batch,
                done: () =>
                {
                    var value = RespReplyParser.Parse(batch.Replies.WrittenSpan);
                    batch.Dispose();
                    _scheduler.After(latency.Sample(_random), () => reply(value));
                },
                lost: () =>
                {
                    batch.Dispose();
                    _scheduler.After(latency.Sample(_random), () => reply(RespValue.Error("LOST the node went down")));
                });
        });
    }

    /// <summary>Sends a command and runs the simulation until its reply arrives (at most 10 s of virtual time).</summary>
    public RespValue Call(NodeId node, params string[] command) => Call(node, 10_000, command);

    /// <summary>Sends a command and runs the simulation until its reply arrives (at most <paramref name="msMax"/>).</summary>
    public RespValue Call(NodeId node, long msMax, params string[] command)
    {
        RespValue? answer = null;
        Send(node, command, value => answer = value);
        Invariant.That(RunUntil(() => answer is not null, msMax), $"{string.Join(' ', command)} at {node} was answered within {msMax} ms");
        return answer!;
    }

    /// <summary>The versions <paramref name="node"/> stores for <paramref name="key"/> on its own disk (empty when none).</summary>
    public DottedVersionVectorSet<VersionedValue> StoredVersions(NodeId node, string key)
    {
        var record = _nodes[node].Storage.Get(StorageColumn.Data, StoredKey.Create(KeyspaceCatalog.ReadPhysical(_nodes[node].Storage, 0), System.Text.Encoding.UTF8.GetBytes(key)));
        return record is not null && VersionedRecord.Read(record) is { } stored ? KeyVersions.FromRecord(stored.Block, stored.Body) : KeyVersions.Empty;
    }

    /// <summary>The node's leaderless status, as INFO shows it (null while it is down).</summary>
    public LeaderlessStatus? Status(NodeId node) => _nodes[node].Driver?.Status.Family as LeaderlessStatus;

    /// <summary>The key's home replicas (its preference list of N).</summary>
    public IReadOnlyList<NodeId> Homes(string key) => Ring.PreferenceList(KeyHash.Of(System.Text.Encoding.UTF8.GetBytes(key)), Settings.N);

    /// <summary>CHORUS.DIGEST of a node's local data (versions included).</summary>
    public string Digest(NodeId node) => _nodes[node].ReadNow(["CHORUS.DIGEST"]).Items[0].AsString()!;

    private void ConnectIfUp(NodeId from, NodeId to)
    {
        if (_nodes[from].State != NodeState.Down && _nodes[to].State != NodeState.Down)
        {
            _nodes[from].PeerConnected(to);
        }
    }
}
