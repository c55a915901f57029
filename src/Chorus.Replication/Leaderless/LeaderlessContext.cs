using Chorus.Core;
using Chorus.Core.Messaging;
using Chorus.Replication.Leaderless.Messages;

namespace Chorus.Replication.Leaderless;

/// <summary>
/// What the parts of a leaderless core share: who this node is, the time, the ring, which peers
/// are up, the Ready being filled, the counters and the id sources. One per core; single-threaded.
/// </summary>
internal sealed class LeaderlessContext
{
    private ulong _lastRequestId;
    private long _lastStoreReadId;
    private readonly Dictionary<long, Action<IReadOnlyList<StoredKeyVersions>, bool>> _rangeReads = [];
    private readonly Dictionary<long, Action<IReadOnlyList<LocalRecord>>> _localReads = [];

    public LeaderlessContext(NodeId self, LeaderlessSettings settings, RingConfig config, Random random)
    {
        Self = self;
        Settings = settings;
        Random = random;
        Config = config;
        Ring = new HashRing(config.Ids, settings.VirtualNodesPerNode);
        // A fresh dot id for every start of the process: a write whose dot this node minted but
        // lost in a crash (fsync everysec) can then never be minted again for another value.
        Actor = new NodeId($"{self.Value}.{random.Next():x8}");
        Liveness = new PeerLiveness(self, settings.PeerDownAfterMs);
    }

    public NodeId Self { get; }

    /// <summary>The replica id this process puts in the dots of the writes it coordinates.</summary>
    public NodeId Actor { get; set; }

    public LeaderlessSettings Settings { get; }

    public Random Random { get; }

    public long NowMs { get; set; }

    public Ready Pending { get; set; } = new();

    public RingConfig Config { get; private set; }

    public HashRing Ring { get; private set; }

    public PeerLiveness Liveness { get; }

    public HybridLogicalClock Clock { get; } = new();

    public LeaderlessCounters Counters { get; } = new();

    /// <summary>
    /// During a membership change, the ring before it (until every node that gained ranges has
    /// received them): reads and writes then need their quorum in both the old and the new replica
    /// sets. Null when no change is under way.
    /// </summary>
    public HashRing? Previous { get; private set; }

    /// <summary>The members of <see cref="Previous"/> (their addresses, for the shell's connections).</summary>
    public RingConfig? PreviousConfig { get; private set; }

    /// <summary>Every other node this one talks to: the ring's, and during a change the old ring's too.</summary>
    public IEnumerable<NodeId> Peers => (Previous is null ? Ring.Nodes : Ring.Nodes.Union(Previous.Nodes)).Where(n => n != Self);

    /// <summary>Whether this node is a member of its current ring.</summary>
    public bool IsMember => Config.Find(Self) is not null;

    /// <summary>Whether messages from <paramref name="node"/> are served: members of the ring, or of the old one during a change.</summary>
    public bool Knows(NodeId node) => Config.Find(node) is not null || PreviousConfig?.Find(node) is not null;

    /// <summary>Adopts a newer ring; the ring it replaces becomes <see cref="Previous"/> until the handover ends.</summary>
    public void Adopt(RingConfig config)
    {
        (PreviousConfig, Previous) = (Config, Ring);
        Config = config;
        Ring = new HashRing(config.Ids, Settings.VirtualNodesPerNode);
    }

    /// <summary>The handover ended: only the new ring counts from now on.</summary>
    public void EndTransition() => (PreviousConfig, Previous) = (null, null);

    /// <summary>
    /// The replica sets a request must reach its quorum in: the key's home replicas under the ring,
    /// and during a membership change under the old ring as well (joint quorums, as Raft's joint
    /// consensus: whichever set a later request uses, it overlaps this one).
    /// </summary>
    public IReadOnlyList<IReadOnlyList<NodeId>> HomeSets(ulong keyHash, int n) =>
        Previous is null ? [Ring.PreferenceList(keyHash, n)] : [Ring.PreferenceList(keyHash, n), Previous.PreferenceList(keyHash, n)];

    /// <summary>
    /// The replicas a request goes to: each ring's preference list (the sloppy one, with stand-ins for
    /// home replicas that are down, when <paramref name="sloppy"/>), joined without repeats.
    /// </summary>
    public List<Replica> Targets(ulong keyHash, int n, bool sloppy)
    {
        var targets = new List<Replica>(n + 1);
        foreach (var ring in Previous is null ? [Ring] : new[] { Ring, Previous })
        {
            IEnumerable<Replica> list = sloppy
                ? ring.SloppyPreferenceList(keyHash, n, IsUp)
                : ring.PreferenceList(keyHash, n).Select(home => new Replica(home));
            targets.AddRange(list.Where(r => !targets.Any(t => t.Node == r.Node)));
        }
        return targets;
    }

    /// <summary>
    /// Whether the replicas that answered make a quorum of <paramref name="quorum"/> in every home
    /// set of the key (a stand-in's answer counts for the home it stands in for).
    /// </summary>
    public static bool QuorumReached(IReadOnlyList<IReadOnlyList<NodeId>> homeSets, int quorum, IEnumerable<Replica> answered)
    {
        var homes = answered.Select(r => r.HintFor ?? r.Node).ToHashSet();
        return homeSets.All(set => set.Count(homes.Contains) >= Math.Min(quorum, set.Count));
    }

    public ulong NextRequestId() => ++_lastRequestId;

    public void Send(NodeId to, LeaderlessMessage message)
    {
        if (to == Self)
        {
            return;
        }
        Pending.Messages.Add(new Envelope(Self, to, MessageFamily.Leaderless, LeaderlessCodec.Encode(message)));
        Counters.MessagesSent++;
    }

    /// <summary>The key's home replicas: the first <paramref name="n"/> distinct nodes clockwise from its hash.</summary>
    public IReadOnlyList<NodeId> Homes(ulong keyHash, int n) => Ring.PreferenceList(keyHash, n);

    public bool IsUp(NodeId node) => Liveness.IsUp(node, NowMs);

    /// <summary>Asks the shell for stored versions in a hash range; <paramref name="then"/> runs with them.</summary>
    public void ReadRange(ulong hashStart, ulong hashEnd, int recordsMax, Action<IReadOnlyList<StoredKeyVersions>, bool> then)
    {
        var id = ++_lastStoreReadId;
        _rangeReads[id] = then;
        Pending.RangeReads.Add(new RangeReadRequest(id, hashStart, hashEnd, null, recordsMax, 4L << 20));
    }

    public void OnRangeRead(RangeReadRequest request, IReadOnlyList<StoredKeyVersions> records, bool complete)
    {
        if (_rangeReads.Remove(request.Id, out var then))
        {
            then(records, complete);
        }
    }

    /// <summary>Asks the shell for node-local records under a prefix.</summary>
    public void ReadLocal(byte[] prefix, byte[]? after, int recordsMax, Action<IReadOnlyList<LocalRecord>> then)
    {
        var id = ++_lastStoreReadId;
        _localReads[id] = then;
        Pending.LocalReads.Add(new LocalReadRequest(id, prefix, after, recordsMax));
    }

    public void OnLocalRead(LocalReadRequest request, IReadOnlyList<LocalRecord> records)
    {
        if (_localReads.Remove(request.Id, out var then))
        {
            then(records);
        }
    }

    public long NextStoreReadId() => ++_lastStoreReadId;
}

/// <summary>Running totals a leaderless node reports (INFO, /metrics, chorus status).</summary>
internal sealed class LeaderlessCounters
{
    public long MessagesSent;
    public long Reads;
    public long ReadsFailed;
    public long ReadsWithSiblings;
    public long Writes;
    public long WritesFailed;
    public long WritesForwarded;
    public long SiblingsMax;
    public long ReadRepairs;
    public long ReadRepairsSkipped;
    public long HintsStored;
    public long HintsDelivered;
    public long HintsRefused;
    public long RefusedMessages;
    public long AntiEntropyRounds;
    public long RangesCompared;
    public long RangesInSync;
    public long RangesDiffering;
    public long KeysSent;
    public long KeysReceived;
    public long KeysRepaired;
    public long RangesStreamed;
    public long KeysStreamed;
    public long TombstonesScheduled;
    public long TombstonesNotScheduled;
    public long TombstonesReaped;
    public long HintsPruned;
    public long HintsRehomed;
    public long ExpiredKeysDeleted;
    public long ExpiringKeysNotTracked;
    public long KeysDropped;
    public long RangeSweepsCompleted;
}
