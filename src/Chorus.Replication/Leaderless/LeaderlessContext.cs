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

    public IEnumerable<NodeId> Peers => Ring.Nodes.Where(n => n != Self);

    public void Adopt(RingConfig config)
    {
        Config = config;
        Ring = new HashRing(config.Ids, Settings.VirtualNodesPerNode);
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
}
