using Chorus.Commands.Data;
using Chorus.Commands.Execution;
using Chorus.Commands.Keyspace;
using Chorus.Core;
using Chorus.Core.Sites;
using Chorus.Node;
using Chorus.Replication;
using Chorus.Replication.MultiLeader;
using Chorus.Replication.SingleLeader;
using Chorus.Resp;
using Chorus.Simulation.Engine;
using Chorus.Simulation.Network;
using Chorus.Simulation.Nodes;
using Chorus.Storage;
using Chorus.Storage.InMemory;

namespace Chorus.Simulation.MultiLeader;

/// <summary>
/// Runs sites of production nodes (the unchanged <see cref="NodeDriver"/> with a
/// <see cref="MultiLeaderCore"/>) on the simulated network, drives a seeded write workload at
/// every site with faults between sites, heals, lets the sites settle, and checks convergence,
/// causal delivery, exactly-once delivery and that no acknowledged write was silently lost.
/// </summary>
public sealed class SiteSimulation
{
    private const long TickUs = 10_000;

    private readonly SiteSimConfig _config;
    private readonly Scheduler _scheduler = new(eventsMax: 50_000_000);
    private readonly SimRandom _random;
    private readonly TraceLog _trace = new(enabled: false);
    private readonly SimNetwork _network;
    private readonly List<NodeFailure> _failures = [];
    private readonly Dictionary<NodeId, List<SimNode>> _sites = [];
    private readonly SiteHistory _history = new();
    private readonly CommandTable _commands = new(DataCommands.All);

    private SiteSimulation(SiteSimConfig config)
    {
        _config = config;
        _random = new SimRandom(config.Seed);
        for (var s = 1; s <= config.Sites; s++)
        {
            _sites[new NodeId($"s{s}")] = [];
        }
        var members = _sites.Keys.SelectMany(site => Enumerable.Range(1, config.NodesPerSite).Select(n => new NodeId($"{site}n{n}"))).ToList();
        _network = new SimNetwork(_scheduler, _random, _trace, Profile(members), members) { Deliver = message => NodeById(message.To).Receive(message, null) };
        var options = new MultiLeaderOptions(new NodeId("s1"), _sites.Keys.ToDictionary(s => s, s => (IReadOnlyList<NodeId>)[.. members.Where(m => m.Value.StartsWith(s.Value + "n", StringComparison.Ordinal))]))
        {
            Settings = SiteSettings.Default with { Topology = config.Topology, Policies = [new PolicyRule("*", config.Policy)] },
            CausalDelivery = !config.NaiveDelivery,
        };
        foreach (var id in members)
        {
            var site = options.SiteOf(id)!.Value;
            _sites[site].Add(NewNode(id, options with { Site = site }));
        }
    }

    public static SiteRunResult Run(SiteSimConfig config) => new SiteSimulation(config).Execute();

    private SiteRunResult Execute()
    {
        var nodes = _sites.Values.SelectMany(n => n).ToList();
        foreach (var node in nodes)
        {
            node.Clock.Skew(_random.Between(-_config.ClockSkewMsMax, _config.ClockSkewMsMax + 1) * 1000);
            Start(node);
        }
        foreach (var from in nodes)
        {
            foreach (var to in nodes.Where(n => n != from))
            {
                _scheduler.After(_random.Between(1_000, 50_000), () => from.PeerConnected(to.Id));
            }
        }
        var workloadEndUs = _config.DurationMs * 1000;
        if (_config.Script is { } script)
        {
            foreach (var (atMs, site, key, value) in script)
            {
                _scheduler.At(atMs * 1000, () => Write(new NodeId(site), ["SET", key, value]));
            }
        }
        else
        {
            ScheduleWrite(workloadEndUs);
        }
        if (_config.Partitions)
        {
            SchedulePartition(workloadEndUs);
        }
        _scheduler.At(workloadEndUs, () => _network.Heal());
        _scheduler.RunUntil(workloadEndUs + _config.SettleMs * 1000);
        return Check(nodes);
    }

    private void Start(SimNode node)
    {
        node.Start(_random.NextSeed());
        ((MultiLeaderCore)node.Driver!.Core).OnDelivered = (site, change) => _history.Delivered(node.Id, site, change);
        Every(node, () => node.Tick());
    }

    private void Every(SimNode node, Action action)
    {
        void Fire()
        {
            action();
            _scheduler.After(TickUs, Fire);
        }
        _scheduler.After(_random.Between(1, TickUs), Fire);
    }

    private void ScheduleWrite(long endUs) =>
        _scheduler.After(Math.Max(1, (long)_random.Exponential(_config.WriteIntervalMs * 1000)), () =>
        {
            if (_scheduler.NowUs >= endUs)
            {
                return;
            }
            var site = _random.Pick(_sites.Keys.ToList());
            var key = $"k{_random.Next(_config.Keys)}";
            string[] command = _random.Chance(0.1) ? ["DEL", key] : ["SET", key, $"{site}-{_scheduler.NowUs}"];
            Write(site, command);
            ScheduleWrite(endUs);
        });

    private void Write(NodeId site, string[] command)
    {
        if (_sites[site].FirstOrDefault(n => n.IsLeader) is not { } leader)
        {
            return;
        }
        var batch = new ClientWriteBatch();
        batch.Commands.Add(command);
        leader.SubmitWrites(batch, done: () =>
        {
            if (command[0] == "SET" && RespReplyParser.Parse(batch.Replies.WrittenSpan).Kind != RespValueKind.Error)
            {
                _history.Acknowledged(command[1], command[2]);
            }
            batch.Dispose();
        }, lost: batch.Dispose);
    }

    /// <summary>Every so often, the links between two random sites fail for a while (both ways), then heal.</summary>
    private void SchedulePartition(long endUs) =>
        _scheduler.After(_random.Between(500_000, 2_000_000), () =>
        {
            if (_scheduler.NowUs >= endUs)
            {
                return;
            }
            var sites = _sites.Keys.ToList();
            var a = _random.Pick(sites);
            var b = _random.Pick(sites.Where(s => s != a).ToList());
            foreach (var x in _sites[a])
            {
                foreach (var y in _sites[b])
                {
                    _network.Cut(x.Id, y.Id);
                    _network.Cut(y.Id, x.Id);
                }
            }
            _scheduler.After(_random.Between(300_000, 3_000_000), () => _network.Heal());
            SchedulePartition(endUs);
        });

    private SimNode NodeById(NodeId id) => _sites.Values.SelectMany(n => n).First(n => n.Id == id);

    private SimNode NewNode(NodeId id, MultiLeaderOptions options)
    {
        var siteNodes = options.Sites[options.Site];
        var cluster = new ClusterConfig(id, siteNodes[0], siteNodes);
        var family = new MultiLeaderFamily(options, new SingleLeaderFamily(new ReplicationOptions(), cluster, $"{id}.sim:6379"));
        var driverOptions = new NodeDriverOptions(id, family)
        {
            Durability = DurabilityPolicy.Always,
            Versioned = (key, version) => _history.Versioned(System.Text.Encoding.UTF8.GetString(key), version),
        };
        var disk = new InMemoryStorageEngine();
        return new SimNode(id, driverOptions, disk, disk, _commands, new SimTransport(_network), _scheduler, _trace, _failures);
    }

    private NetworkProfile Profile(List<NodeId> members)
    {
        var far = new LinkProfile(new LatencyDistribution(_config.SiteLatencyMs * 800, _config.SiteLatencyMs * 200, 0.02, _config.SiteLatencyMs * 5000), ReorderProbability: _config.ReorderProbability);
        var links = new Dictionary<(string, string), LinkProfile>();
        foreach (var from in members)
        {
            foreach (var to in members.Where(m => SiteOf(m) != SiteOf(from)))
            {
                links[(from.Value, to.Value)] = _config.SlowLinks.TryGetValue((SiteOf(from), SiteOf(to)), out var slowMs)
                    ? far with { Latency = new LatencyDistribution(slowMs * 1000, 1000), ReorderProbability = 0 }
                    : far;
            }
        }
        return NetworkProfile.Lan with { Name = "sites", Links = links };
    }

    private static string SiteOf(NodeId node) => node.Value[..node.Value.IndexOf('n', 1)];

    private SiteRunResult Check(List<SimNode> nodes)
    {
        var result = new SiteRunResult(_config.Seed);
        result.Failures.AddRange(_failures.Select(f => f.ToString()));
        var up = nodes.Where(n => n.Driver is not null).ToList();
        var digests = up.Select(n => (n.Id, KeyspaceDigest.Compute(n.Storage).Digest)).ToList();
        if (digests.Select(d => d.Digest).Distinct().Count() > 1)
        {
            result.Divergence.AddRange(digests.Select(d => $"{d.Id}={d.Digest[..12]}"));
        }
        var conflicts = up.SelectMany(n => n.Driver!.Conflicts.Recent(int.MaxValue)).ToList();
        if (_config.ForgetLosers)
        {
            conflicts.Clear();
        }
        _history.Check(result, FinalStates(up[0]), conflicts, _config.Policy);
        foreach (var node in up)
        {
            var core = (MultiLeaderCore)node.Driver!.Core;
            var sites = core.Describe().Sites!;
            result.ChangesDelivered += sites.ChangesApplied;
            result.Duplicates += sites.Duplicates;
            result.Conflicts += node.Driver.Conflicts.Conflicts;
            result.LostValuesLogged += node.Driver.Conflicts.LostValues;
        }
        result.MessagesSent = _network.Sent;
        return result;
    }

    private Dictionary<string, SiteKeyState?> FinalStates(SimNode node)
    {
        var context = new ReadContext(node.Storage);
        var states = new Dictionary<string, SiteKeyState?>();
        foreach (var key in _history.Keys)
        {
            states[key] = Commands.Sites.SiteRecord.StateOf(context.GetStored(context.Physical(0), System.Text.Encoding.UTF8.GetBytes(key)), new NodeId("s1"));
        }
        return states;
    }
}
