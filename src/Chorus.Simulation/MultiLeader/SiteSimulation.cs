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
    private readonly CounterHistory _counters = new();
    private readonly CommandTable _commands = new(DataCommands.All);
    private readonly HomeSiteRun _homes;
    private readonly CutFailoverRun _cutFailover;
    private readonly SiteCrashes _crashes;
    private readonly SiteWarningWatch _warnings;
    private long? _healExchangeMs;
    private readonly List<string> _writeBacks = [];

    private SiteSimulation(SiteSimConfig config)
    {
        _config = config;
        _random = new SimRandom(config.Seed);
        _homes = new HomeSiteRun(config, _scheduler, () => _sites, Boot);
        _cutFailover = new CutFailoverRun(_scheduler, () => _sites);
        _crashes = new SiteCrashes(_scheduler, _random, () => _sites.Values.SelectMany(n => n), Boot);
        _warnings = new SiteWarningWatch(_scheduler, () => _sites);
        for (var s = 1; s <= config.Sites; s++)
        {
            _sites[new NodeId($"s{s}")] = [];
        }
        var members = _sites.Keys.SelectMany(site => Enumerable.Range(1, config.NodesPerSite).Select(n => new NodeId($"{site}n{n}"))).ToList();
        _network = new SimNetwork(_scheduler, _random, _trace, Profile(members), members) { Deliver = message => NodeById(message.To).Receive(message, null) };
        var options = new MultiLeaderOptions(new NodeId("s1"), _sites.Keys.ToDictionary(s => s, s => (IReadOnlyList<NodeId>)[.. members.Where(m => m.Value.StartsWith(s.Value + "n", StringComparison.Ordinal))]))
        {
            Settings = SiteSettings.Default with
            {
                Topology = config.Topology,
                Policies = config.Collections || config.CountersOnly
                    ? [new PolicyRule("c*", config.CountersAsLww ? ConflictPolicy.Lww : ConflictPolicy.Counter), new PolicyRule("*", config.Policy, config.Resolver)]
                    : [new PolicyRule("*", config.Policy, config.Resolver)],
                Homes = config.HomesNotRouted ? [] : config.Homes,
            },
            CausalDelivery = !config.NaiveDelivery && !config.ForwardsOwnChanges,
            TagsOrigins = !config.ForwardsOwnChanges,
            ResendWhenHeardFrom = !config.WaitForRetryAfterHeal,
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
        foreach (var (atMs, site, key, writeBackAfterMs) in _config.ReadsResolved ?? [])
        {
            _scheduler.At(atMs * 1000, () => ResolveOnRead(new NodeId(site), key, writeBackAfterMs));
        }
        if (_config.Partitions)
        {
            SchedulePartition(workloadEndUs);
        }
        if (_config.OperatorCut is { } cut)
        {
            ScheduleOperatorCut(cut.AtMs * 1000, (cut.AtMs + cut.ForMs) * 1000);
        }
        if (_config.CutAcrossFailover is { } across)
        {
            _cutFailover.Schedule(across.AtMs, across.ForMs, SetLinksCut);
        }
        if (_config.SettingsChanges)
        {
            ScheduleSettingsChange(workloadEndUs);
        }
        if (_config.FailSite is { } failing)
        {
            _homes.ScheduleFailure(new NodeId(failing), workloadEndUs, _config.RecoverAtMs is { } recoverMs ? recoverMs * 1000 : workloadEndUs);
        }
        if (_config.Crashes)
        {
            _crashes.Schedule(workloadEndUs);
        }
        if (_config.WatchWarnings)
        {
            _warnings.Start(workloadEndUs + _config.SettleMs * 1000);
        }
        _scheduler.At(workloadEndUs, () => _network.Heal());
        _scheduler.RunUntil(workloadEndUs + _config.SettleMs * 1000);
        return Check(nodes);
    }

    private void Start(SimNode node)
    {
        Boot(node);
        Every(node, () => node.Tick());
    }

    /// <summary>Starts (or restarts, after a crash) a node's driver.</summary>
    private void Boot(SimNode node)
    {
        node.Start(_random.NextSeed());
        ((MultiLeaderCore)node.Driver!.Core).OnDelivered = (site, change) =>
        {
            _history.Delivered(node.Id, site, change);
            _cutFailover.Delivered(site, change);
        };
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
            var site = _random.Pick(_sites.Keys.Where(s => !_homes.IsDown(s)).ToList());
            var key = $"k{_random.Next(_config.Keys)}";
            string[] command = _config.CountersOnly ? ["INCR", $"c{_random.Next(_config.Keys)}"]
                : _config.Collections ? CollectionWrite(site)
                : _random.Chance(0.1) ? ["DEL", key] : ["SET", key, $"{site}-{_scheduler.NowUs}"];
            Write(site, command);
            ScheduleWrite(endUs);
        });

    /// <summary>One random write to a hash, set, sorted set or counter (few keys and elements: many concurrent writes to the same ones).</summary>
    private string[] CollectionWrite(NodeId site)
    {
        var n = _random.Next(_config.Keys);
        var element = $"e{_random.Next(6)}";
        var value = $"{site}-{_scheduler.NowUs}";
        return _random.Next(20) switch
        {
            < 5 => ["HSET", $"h{n}", element, value],
            5 => ["HDEL", $"h{n}", element],
            < 10 => ["SADD", $"s{n}", element],
            < 12 => ["SREM", $"s{n}", element],
            < 14 => ["ZADD", $"z{n}", _random.Next(100).ToString(System.Globalization.CultureInfo.InvariantCulture), element],
            14 => ["DEL", _random.Pick(new[] { $"h{n}", $"s{n}", $"z{n}" })],
            _ => ["INCRBY", $"c{n}", (_random.Next(9) + 1).ToString(System.Globalization.CultureInfo.InvariantCulture)],
        };
    }

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
            var reply = RespReplyParser.Parse(batch.Replies.WrittenSpan);
            if (reply.Kind == RespValueKind.Error && (_homes.Unreachable(System.Text.Encoding.UTF8.GetString(reply.Bytes.Span)) || LeadershipMoved(reply)))
            {
                CountInDoubt(command);
            }
            else if (reply.Kind == RespValueKind.Error)
            {
                _failures.Add(new NodeFailure(leader.Id.Value, _scheduler.NowUs, $"{string.Join(' ', command)} was refused: {System.Text.Encoding.UTF8.GetString(batch.Replies.WrittenSpan)}"));
            }
            else if (command[0] == "SET")
            {
                _history.Acknowledged(command[1], command[2]);
            }
            else if (command[0] == "CHORUS.RESOLVE")
            {
                var written = reply.Kind == RespValueKind.Integer && reply.Integer == 1;
                _writeBacks.Add($"{command[1]} {(written ? "written" : "refused")}");
                if (written)
                {
                    _history.Acknowledged(command[1], command[3]);
                }
            }
            else if (Increment(command) is { } by)
            {
                _counters.Acknowledged(command[1], by);
            }
            batch.Dispose();
        }, lost: () =>
        {
            CountInDoubt(command);
            batch.Dispose();
        });
    }

    /// <summary>
    /// What a GET at the site leader does for a key under a custom policy whose resolver has an
    /// on-read handler (the server's OnReadResolution): the handler resolves the concurrent values
    /// the read finds, and the resolution is written back with the context the read saw.
    /// </summary>
    private void ResolveOnRead(NodeId site, string key, long writeBackAfterMs)
    {
        if (_sites[site].FirstOrDefault(n => n.IsLeader) is not { } leader)
        {
            return;
        }
        var reads = new ReadContext(leader.Storage);
        var bytes = System.Text.Encoding.UTF8.GetBytes(key);
        if (Commands.Sites.ReadSiblings.Of(reads.GetStored(reads.Physical(0), bytes), site) is not { } conflict)
        {
            _writeBacks.Add($"{key} nothing to resolve at {site}");
            return;
        }
        var handler = (IReadResolver)ConflictResolvers.BuiltIn.Single(r => r.Name == _config.Resolver);
        var value = System.Text.Encoding.UTF8.GetString(handler.ResolveOnRead(bytes, conflict.Siblings)!);
        _scheduler.After(writeBackAfterMs * 1000, () => Write(site, ["CHORUS.RESOLVE", key, conflict.Context.ToString(), value]));
    }

    /// <summary>
    /// A write refused because its site's leadership moved meanwhile (a FAILOVER in the run), or —
    /// with crashes — because a crash in its site cost the leader its majority or its leadership:
    /// not acknowledged (or in doubt), no failure.
    /// </summary>
    private bool LeadershipMoved(RespValue reply)
    {
        var error = System.Text.Encoding.UTF8.GetString(reply.Bytes.Span);
        return (_config.CutAcrossFailover is not null && error.StartsWith("TRYAGAIN this node stopped leading", StringComparison.Ordinal))
            || (_config.Crashes && error.StartsWith("TRYAGAIN", StringComparison.Ordinal));
    }

    /// <summary>What an INCR or INCRBY adds; null for any other command.</summary>
    private static long? Increment(string[] command) => command[0] switch
    {
        "INCR" => 1,
        "INCRBY" => long.Parse(command[2], System.Globalization.CultureInfo.InvariantCulture),
        _ => null,
    };

    private void CountInDoubt(string[] command)
    {
        if (Increment(command) is { } by)
        {
            _counters.InDoubt(command[1], by);
        }
    }

    /// <summary>See <see cref="SiteSimConfig.OperatorCut"/>: every node cuts its links at <paramref name="cutUs"/>; the sites heal one after another from <paramref name="healUs"/>.</summary>
    private void ScheduleOperatorCut(long cutUs, long healUs)
    {
        _scheduler.At(cutUs, () =>
        {
            foreach (var site in _sites.Keys)
            {
                SetLinksCut(site, cut: true);
            }
        });
        foreach (var site in _sites.Keys)
        {
            healUs += _random.Between(0, 100_000);
            _scheduler.At(healUs, () => SetLinksCut(site, cut: false));
        }
        var lastHealUs = healUs;
        _scheduler.At(lastHealUs, () => WatchExchange(lastHealUs));
    }

    /// <summary>
    /// From the moment the last end of the operator's cut heals, looks every millisecond for every
    /// site leader holding the same frontier (each has every change of every site); records how
    /// long that took (<see cref="SiteRunResult.HealExchangeMs"/>).
    /// </summary>
    private void WatchExchange(long sinceUs)
    {
        var leaders = _sites.Values.Select(nodes => nodes.FirstOrDefault(n => n.IsLeader)).ToList();
        if (leaders.All(l => l is not null))
        {
            var frontiers = leaders.Select(l => ((MultiLeaderCore)l!.Driver!.Core).Delivered).ToList();
            if (frontiers.All(f => f.Equals(frontiers[0])))
            {
                _healExchangeMs = (_scheduler.NowUs - sinceUs) / 1000;
                return;
            }
        }
        _scheduler.After(1_000, () => WatchExchange(sinceUs));
    }

    /// <summary>CHORUS.LINK CUT (or HEAL) at every live node of <paramref name="site"/>, for every other site.</summary>
    private void SetLinksCut(NodeId site, bool cut)
    {
        foreach (var node in _sites[site].Where(n => n.Driver is not null))
        {
            foreach (var other in _sites.Keys.Where(s => s != site))
            {
                ((MultiLeaderCore)node.Driver!.Core).SetLinkCut(other, cut);
            }
        }
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

    /// <summary>A random site leader changes the topology and the failed sites; the last change before the workload ends recovers every site.</summary>
    private void ScheduleSettingsChange(long endUs) =>
        _scheduler.After(_random.Between(1_000_000, 2_000_000), () =>
        {
            var sites = _sites.Keys.ToList();
            var last = _scheduler.NowUs + 2_000_000 >= endUs;
            if (_sites[_random.Pick(sites)].FirstOrDefault(n => n.IsLeader) is { } leader)
            {
                var topology = _random.Next(3) switch
                {
                    0 => SiteTopology.AllToAll,
                    1 => SiteTopology.Ring,
                    _ => SiteTopology.Star(_random.Pick(sites)),
                };
                IReadOnlyList<NodeId> failed = last || _random.Chance(0.5) ? [] : [_random.Pick(sites)];
                if (((MultiLeaderCore)leader.Driver!.Core).ChangeSettings(settings => settings with { Topology = topology, FailedSites = failed }))
                {
                    SettingsChanged++;
                }
            }
            if (!last)
            {
                ScheduleSettingsChange(endUs);
            }
        });

    /// <summary>Settings changes made by <see cref="ScheduleSettingsChange"/>.</summary>
    private int SettingsChanged { get; set; }

    private SimNode NodeById(NodeId id) => _sites.Values.SelectMany(n => n).First(n => n.Id == id);

    private SimNode NewNode(NodeId id, MultiLeaderOptions options)
    {
        var siteNodes = options.Sites[options.Site];
        var cluster = new ClusterConfig(id, siteNodes[0], siteNodes);
        var family = new MultiLeaderFamily(options, new SingleLeaderFamily(new ReplicationOptions(), cluster, $"{id}.sim:6379"));
        var driverOptions = new NodeDriverOptions(id, family)
        {
            Durability = DurabilityPolicy.Always,
            Versioned = (key, version) =>
            {
                _history.Versioned(id, System.Text.Encoding.UTF8.GetString(key), version, _scheduler.NowUs);
                _cutFailover.Versioned(version.Version.Site);
            },
            ForwardLink = new SimForwardLink(id, _network, NodeById),
            Resolvers = ConflictResolvers.BuiltIn.Append(new ThrowingResolver()).ToDictionary(r => r.Name, StringComparer.Ordinal),
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
        if (up.Count == 0)
        {
            return result;
        }
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
        if (_config.CompareTimestampOnly)
        {
            result.TimestampOnly = TimestampOnlySites.Check(_history, _config.Policy);
        }
        foreach (var node in up)
        {
            _counters.Check(result, node.Id.Value, key => CounterValue(node, key));
        }
        foreach (var node in up)
        {
            var core = (MultiLeaderCore)node.Driver!.Core;
            var sites = core.Describe().Sites!;
            result.ChangesDelivered += sites.ChangesApplied;
            result.Duplicates += sites.Duplicates;
            result.Conflicts += node.Driver.Conflicts.Conflicts;
            result.LostValuesLogged += node.Driver.Conflicts.LostValues;
            result.ResolverFailures += node.Driver.Conflicts.ResolverFailures;
        }
        result.MessagesSent = _network.Sent;
        result.HealExchangeMs = _healExchangeMs;
        result.WriteBacks.AddRange(_writeBacks);
        result.ResendsAfterSilence = up.Sum(n => ((MultiLeaderCore)n.Driver!.Core).ResendsAfterSilence);
        _homes.Check(result, _history, up.SelectMany(n => n.Driver!.Conflicts.Recent(int.MaxValue)));
        _cutFailover.Check(result);
        result.WritesRouted = up.Sum(n => n.Driver!.RoutedWrites);
        result.HandoversCompleted = up.Sum(n => ((MultiLeaderCore)n.Driver!.Core).HandoversCompleted);
        result.SettingsChanged = SettingsChanged;
        result.NodesCrashed = _crashes.Crashed;
        result.WarningTimeline.AddRange(_warnings.Timeline);
        var settings = up.Select(n => (n.Id, Settings: ((MultiLeaderCore)n.Driver!.Core).Settings)).ToList();
        if (settings.Select(s => Convert.ToHexString(s.Settings.Encode())).Distinct().Count() > 1)
        {
            result.Divergence.AddRange(settings.Select(s => $"{s.Id} settings: {s.Settings.Topology}, failed [{string.Join(",", s.Settings.FailedSites)}], returning [{string.Join(",", s.Settings.ReturningSites)}] by {s.Settings.ChangedBy}"));
        }
        return result;
    }

    /// <summary>A user's resolver gone wrong: it always throws (a site must keep replicating).</summary>
    private sealed class ThrowingResolver : IConflictResolver
    {
        public string Name => "throwing";

        public byte[] Resolve(ReadOnlySpan<byte> key, ReadOnlySpan<byte> field, IReadOnlyList<byte[]> values) =>
            throw new InvalidOperationException("this resolver always fails");
    }

    /// <summary>A counter's value as a GET at the node reads it (0 when absent).</summary>
    private static long CounterValue(SimNode node, string key)
    {
        var context = new ReadContext(node.Storage);
        var record = context.GetStored(context.Physical(0), System.Text.Encoding.UTF8.GetBytes(key));
        return record is null || Commands.Values.KeyRecord.IsTombstoneRecord(record)
            ? 0
            : long.Parse(Commands.Values.KeyRecord.Parse(record).Payload, System.Globalization.CultureInfo.InvariantCulture);
    }

    private Dictionary<string, SiteKeyState?> FinalStates(SimNode node)
    {
        var context = new ReadContext(node.Storage);
        var states = new Dictionary<string, SiteKeyState?>();
        foreach (var key in _history.Keys)
        {
            var document = Commands.Sites.SiteDocumentCodec.FromRecord(context.GetStored(context.Physical(0), System.Text.Encoding.UTF8.GetBytes(key)), new NodeId("s1"));
            states[key] = document?.Get(Commands.Sites.SitePart.String, Commands.Sites.SiteDocument.StringElement);
        }
        return states;
    }
}
