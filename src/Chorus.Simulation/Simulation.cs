using Chorus.Node;
using Chorus.Simulation.Checkers;
using Chorus.Simulation.Checkers.Elections;
using Chorus.Simulation.Checkers.Linearizability;
using Chorus.Simulation.Checkers.Prefix;
using Chorus.Simulation.Checkers.Sessions;
using Chorus.Simulation.Clients;
using Chorus.Simulation.Cluster;
using Chorus.Simulation.Engine;
using Chorus.Simulation.Faults;
using Chorus.Simulation.History;
using Chorus.Simulation.Modes;
using Chorus.Simulation.Network;
using Chorus.Simulation.Nodes;
using Chorus.Simulation.Workloads;
using Chorus.Commands.Keyspace;

namespace Chorus.Simulation;

/// <summary>
/// One simulated run: a cluster of production node drivers on a virtual clock, clients running a
/// workload, faults from a profile or a script; then every fault is repaired, the cluster is
/// left quiet, and the checkers judge the recorded history and the replicas. One seeded random
/// source decides everything, so a run is a pure function of its <see cref="SimulationConfig"/>.
/// </summary>
public sealed class Simulation
{
    /// <summary>A run that schedules more events than this is a runaway (a bug in the simulator or a livelock).</summary>
    public const long EventsMax = 50_000_000;

    private readonly SimulationConfig _config;
    private readonly ClusterMode _mode;

    /// <summary>What every read asks for: the mode's guard, with the config's bound if it sets one.</summary>
    private readonly ReadGuard? _readGuard;
    private readonly IWorkload _workload;
    private readonly FaultPlan _faults;
    private readonly NetworkProfile _network;
    private readonly SimRandom _random;
    private readonly TraceLog _trace;
    private readonly Scheduler _scheduler = new(EventsMax);
    private readonly TimeProvider _time;

    private Simulation(SimulationConfig config, TimeProvider time)
    {
        _config = config;
        _mode = ClusterModes.Named(config.Mode);
        _readGuard = config.BoundMs is { } boundMs && _mode.ReadGuard is { MaxStalenessMs: >= 0 } bounded
            ? bounded with { MaxStalenessMs = boundMs }
            : _mode.ReadGuard;
        _workload = WorkloadRegistry.Named(config.Workload);
        _faults = FaultPlan.Parse(config.Faults);
        _network = NetworkProfile.Named(config.Network);
        _random = new SimRandom(config.Seed);
        _trace = new TraceLog(config.Trace);
        _time = time;
    }

    /// <summary>Runs <paramref name="config"/>; <paramref name="time"/> only bounds the linearizability search.</summary>
    public static RunResult Run(SimulationConfig config, TimeProvider? time = null) =>
        new Simulation(config, time ?? TimeProvider.System).Execute();

    private RunResult Execute()
    {
        var durability = _config.Durability ?? _mode.Durability;
        var endUs = _config.DurationMs * 1000;
        var nodeNames = Enumerable.Range(1, _config.Nodes).Select(i => $"n{i}").ToList();
        var faults = _faults.Schedule(_random, nodeNames, _config.DurationMs);
        Note($"mode {_mode.Name}, workload {_workload.Name}, fsync {Storage.DurabilityPolicies.Name(durability)}, network {_network.Name}, seed {_config.Seed}");
        Note($"faults: {(faults.Count == 0 ? "none" : FaultScript.Format(faults))}");

        var cluster = new SimCluster(_scheduler, _random, _trace, new ClusterSetup(_config.Nodes, _mode, durability, _network));
        var injector = new FaultInjector(cluster, _scheduler, _random, _trace);
        var recorder = new HistoryRecorder();
        var prefix = new PrefixChecker(cluster.Authored);
        var operatorOnCall = new ManualOperator(cluster, _scheduler, _trace);
        cluster.StartAll();
        injector.Schedule(faults);
        operatorOnCall.Watch(_mode.Failover, endUs + (_config.QuiesceMs * 1000));
        StartClients(cluster, recorder, endUs);
        SamplePrefix(cluster, prefix, endUs);
        _scheduler.At(endUs, () =>
        {
            Note("end of workload: repairing every fault, then quiet");
            injector.RepairAll();
        });
        _scheduler.RunUntil(endUs + (_config.QuiesceMs * 1000));

        var history = recorder.Build();
        var (checks, finalValues) = Judge(cluster, history, prefix);
        var claimed = _mode.Claims(new ClaimContext(durability, _faults.CrashesNodes));
        var stats = new RunStats(history.Count, _scheduler.EventsRun, cluster.Network.Sent, cluster.Network.Dropped, _scheduler.NowUs / 1000, injector.Crashes)
        {
            LeaderEpochs = cluster.Roles.LeaderEpochs,
            OperatorElections = operatorOnCall.Elections,
            ForwardedWrites = cluster.Nodes.Sum(n => n.Driver?.ForwardedWrites ?? 0),
            SnapshotsInstalled = cluster.Snapshots.Installed,
            SnapshotResends = cluster.Snapshots.Resent,
            MerkleResyncs = cluster.Snapshots.MerkleInstalled,
            MerkleRowsCopied = cluster.Snapshots.MerkleRowsCopied,
            SnapshotRolledBackEntries = cluster.Snapshots.RolledBackOnInstall,
        };
        return new RunResult(_config, history, checks, claimed, faults, stats, _trace.Text) { Roles = cluster.Roles.Changes, FinalValues = finalValues, Waits = recorder.Waits };
    }

    private void StartClients(SimCluster cluster, HistoryRecorder recorder, long endUs)
    {
        var gateway = new ClientGateway(_scheduler, _random, _network.ClientLatency) { ForwardWrites = _mode.WritesThroughAnyNode };
        var timing = new ClientTiming(_config.ThinkMeanMs * 1000, _config.ClientTimeoutMs * 1000);
        for (var i = 1; i <= _config.Clients; i++)
        {
            // Named sessions: two devices each ("s1.d1", "s1.d2", "s2.d1", …).
            var name = _mode.NamedSessions ? $"s{((i - 1) / 2) + 1}.d{((i - 1) % 2) + 1}" : $"c{i}";
            var leader = new LeaderHint(cluster.Members, cluster.PreferredLeader);
            var router = new ReadRouter(_mode, _readGuard, cluster.Members, leader);
            var named = _mode.NamedSessions ? new NamedRead(CrossDeviceChecker.SessionOf(name)!, cluster.SessionLink) : null;
            var client = new SimClient(name, _workload.NewClient(name), router, leader, gateway, recorder, cluster, _scheduler, _random, _trace, timing) { Named = named };
            client.Start(_random.Between(50_000, 150_000), endUs);
            if (named is not null)
            {
                // A device that reconnects after the faults are repaired learns what became of its last writes.
                client.SettleAfterWorkload(endUs + (_config.QuiesceMs * 1000 / 4), endUs + (_config.QuiesceMs * 1000 * 3 / 4));
            }
        }
    }

    /// <summary>Observes the prefix property on every running node at a fixed interval (read-only: it changes nothing).</summary>
    private void SamplePrefix(SimCluster cluster, PrefixChecker prefix, long endUs)
    {
        var intervalUs = _config.PrefixSampleIntervalMs * 1000;
        for (var atUs = intervalUs; atUs < endUs + (_config.QuiesceMs * 1000); atUs += intervalUs)
        {
            _scheduler.At(atUs, () =>
            {
                foreach (var node in cluster.Nodes.Where(n => n.State != NodeState.Down))
                {
                    prefix.Observe(node.Id.Value, node.Storage, _scheduler.NowUs);
                }
            });
        }
    }

    private (List<CheckResult> Checks, Dictionary<string, string?> FinalValues) Judge(SimCluster cluster, OperationHistory history, PrefixChecker prefix)
    {
        var replicas = new List<ReplicaState>();
        foreach (var node in cluster.Nodes)
        {
            prefix.Observe(node.Id.Value, node.Storage, _scheduler.NowUs);
            var digest = KeyspaceDigest.Compute(node.Storage).Digest;
            replicas.Add(new ReplicaState(node.Id.Value, node.State == NodeState.Up, node.Driver?.Applied.Applied ?? default, digest));
            Note($"final {node.Id}: {SimCluster.Describe(node)} digest {digest[..12]}");
        }
        var leader = cluster.CurrentLeader ?? cluster[cluster.PreferredLeader];
        Note($"final state read at {leader.Id}");
        var finalValues = history.Keys().ToDictionary(k => k, k => leader.ReadNow(["GET", k]).AsString(), StringComparer.Ordinal);
        var checks = new List<CheckResult> { new LinearizabilityChecker(_config.SearchBudget, _time).Check(history) };
        checks.AddRange(SessionChecker.Check(history));
        checks.Add(Checkers.Sessions.BoundedStalenessChecker.Check(history, _readGuard?.MaxStalenessMs ?? -1, new Checkers.Sessions.BoundedReadCounts(
            cluster.Nodes.Sum(n => n.Driver?.Reads.TooStale ?? 0),
            cluster.Nodes.Sum(n => n.FollowerReads.Served),
            cluster.Nodes.Sum(n => n.FollowerReads.HeldBackTooStale))));
        checks.AddRange(CrossDeviceChecker.Check(history));
        checks.Add(RollbackNoticeChecker.Check(history, cluster.SessionLedger, lsn => Chorus.Node.Sessions.LogEpochs.At(leader.Storage, lsn)));
        checks.Add(AckedWriteLossChecker.Check(history, finalValues, cluster.Nodes.SelectMany(n => n.Rollbacks.Records)));
        checks.Add(ConvergenceChecker.Check(replicas));
        checks.Add(prefix.Result());
        checks.Add(InvariantsChecker.Check(cluster.Failures));
        checks.Add(ElectionSafetyChecker.Check(cluster.Roles.Changes));
        checks.Add(EpochMonotonicityChecker.Check(cluster.Roles.Changes));
        return (checks, finalValues);
    }

    private void Note(string text)
    {
        if (_trace.Enabled)
        {
            _trace.Add(_scheduler.NowUs, "sim", text);
        }
    }
}
