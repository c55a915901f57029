using Chorus.Core;
using Chorus.Core.Log;
using Chorus.Replication.Log;
using Chorus.Replication.Membership;
using Chorus.Replication.Messages;
using Chorus.Replication.Quorum;

namespace Chorus.Replication.SingleLeader;

/// <summary>
/// Single-leader replication as a deterministic state machine (after etcd raft). The host feeds
/// it inputs — proposals, peer messages, ticks carrying the time, storage completions — and
/// carries out the <see cref="Ready"/> it returns. It reads no clock, starts no thread and does
/// no IO, so the simulator drives exactly this code.
/// </summary>
public sealed class ReplicationCore
{
    private readonly LeaderRole? _leader;
    private readonly FollowerRole? _follower;
    private Lsn _ackedReported;

    public ReplicationCore(
        ReplicationOptions options,
        ClusterConfig cluster,
        Epoch storedEpoch,
        EpochHistory history,
        ClusterSettings settings,
        Lsn settingsLsn,
        string clientEndpoint = "")
    {
        ClientEndpoint = clientEndpoint;
        Options = options;
        Cluster = cluster;
        Epoch = storedEpoch > history.Last.Epoch ? storedEpoch : history.Last.Epoch;
        History = history;
        Appended = history.Last.Lsn;
        Flushed = history.Last.Lsn;
        Cache = new EntryCache(options.EntryCacheBytesMax);
        Settings = settings;
        SettingsLsn = settingsLsn;
        if (cluster.SelfIsLeader)
        {
            _leader = new LeaderRole(this);
        }
        else
        {
            _follower = new FollowerRole(this);
        }
    }

    public ReplicationOptions Options { get; }

    /// <summary>Who this node is and who leads (fixed by configuration for now).</summary>
    public ClusterConfig Cluster { get; }

    public NodeId Self => Cluster.Self;

    /// <summary>This node's RESP endpoint ("host:port"), announced to the leader.</summary>
    public string ClientEndpoint { get; }

    public NodeRole Role => _leader is not null ? NodeRole.Leader : NodeRole.Follower;

    public NodeId Leader => Cluster.Leader;

    public Epoch Epoch { get; private set; }

    /// <summary>The cluster settings in force: the latest ones in the local log.</summary>
    public ClusterSettings Settings { get; private set; }

    /// <summary>The LSN of the entry that set <see cref="Settings"/> (zero: bootstrap settings).</summary>
    public Lsn SettingsLsn { get; private set; }

    /// <summary>Where each epoch starts in the local log, and where the log ends (including entries not yet on disk).</summary>
    public EpochHistory History { get; }

    /// <summary>The last LSN appended and applied locally.</summary>
    public Lsn Appended { get; private set; }

    /// <summary>The last LSN on local stable storage.</summary>
    public Lsn Flushed { get; private set; }

    public long NowMs { get; private set; }

    public HybridLogicalClock Clock { get; } = new();

    internal EntryCache Cache { get; }

    internal Ready Pending { get; private set; } = new();

    /// <summary>The leader's view of its followers (empty on a follower).</summary>
    public IReadOnlyCollection<FollowerProgress> Followers => _leader?.Followers ?? [];

    /// <summary>A follower's view of its link to the leader (null on the leader).</summary>
    public LeaderLink? Link => _follower?.Link;

    /// <summary>The leader's acknowledgement state (null on a follower).</summary>
    public AckState? Acks => _leader?.Acks;

    /// <summary>Client writes up to this LSN may be acknowledged (leader; zero on followers).</summary>
    public Lsn AckedLsn => _leader?.AckedLsn ?? Lsn.Zero;

    /// <summary>Why the leader refuses new writes right now (too few followers under a fail policy); null when it accepts them.</summary>
    public string? WritesRefused => _leader?.WritesRefused;

    public bool HasReady => !Pending.IsEmpty || (_leader is not null && AckedLsn != _ackedReported);

    /// <summary>Begins operating at <paramref name="nowMs"/>: a leader opens a new epoch, a follower subscribes.</summary>
    public void Start(long nowMs)
    {
        NowMs = nowMs;
        Clock.Now(nowMs);
        _leader?.Start();
        _follower?.Start();
    }

    /// <summary>Appends a new entry (leader only) and returns it; persisting it is in the next Ready.</summary>
    public LogEntry Propose(PayloadKind kind, ReadOnlySpan<byte> payload)
    {
        Invariant.That(_leader is not null, "only the leader assigns LSNs");
        return _leader.Propose(kind, payload);
    }

    /// <summary>Appends new cluster settings (leader only); they apply from this entry on.</summary>
    public LogEntry ProposeSettings(ClusterSettings settings) => Propose(PayloadKind.ClusterConfig, settings.Encode());

    public void Step(PeerMessage message)
    {
        if (message.To != Self)
        {
            return;
        }
        if (_leader is not null)
        {
            _leader.Step(message);
        }
        else
        {
            _follower!.Step(message);
        }
    }

    /// <summary>Time has advanced; does whatever is due (heartbeats, retransmits, resubscribes, ack timeouts).</summary>
    public void Tick(long nowMs)
    {
        if (nowMs > NowMs)
        {
            NowMs = nowMs;
        }
        _leader?.Tick();
        _follower?.Tick();
    }

    /// <summary>
    /// The host appended and applied every entry up to <paramref name="lsn"/>; with
    /// <paramref name="synced"/>, they are also on stable storage.
    /// </summary>
    public void OnAppended(Lsn lsn, bool synced = false)
    {
        Invariant.That(lsn >= Appended && lsn <= History.Last.Lsn, "appends complete in order, within the log");
        Appended = lsn;
        if (synced)
        {
            Flushed = lsn;
        }
        _leader?.OnAppended();
        _follower?.OnAppended();
    }

    /// <summary>The host truncated the log after <paramref name="keepThrough"/>; <paramref name="settings"/> are the latest at or before it.</summary>
    public void OnTruncated(Lsn keepThrough, ClusterSettings settings, Lsn settingsLsn)
    {
        Appended = Lsn.Min(Appended, keepThrough);
        Flushed = Lsn.Min(Flushed, keepThrough);
        ApplySettings(settings, settingsLsn);
        _follower?.OnTruncated();
    }

    /// <summary>Everything up to <paramref name="lsn"/> is on stable storage.</summary>
    public void OnFlushed(Lsn lsn)
    {
        if (lsn <= Flushed)
        {
            return;
        }
        Flushed = Lsn.Min(lsn, Appended);
        _leader?.OnFlushed();
        _follower?.OnFlushed();
    }

    /// <summary>Entries the host read from storage for a <see cref="LogReadRequest"/> (empty: no longer there).</summary>
    public void OnLogRead(NodeId follower, Lsn from, IReadOnlyList<LogEntry> entries) =>
        _leader?.OnLogRead(follower, from, entries);

    /// <summary>The host took a snapshot at <paramref name="position"/> for <paramref name="follower"/> to load.</summary>
    public void OnSnapshotTaken(NodeId follower, LogPosition position) => _leader?.OnSnapshotTaken(follower, position);

    /// <summary>The transport (re)connected to <paramref name="peer"/>; earlier messages may be lost.</summary>
    public void OnPeerConnected(NodeId peer)
    {
        _leader?.OnPeerConnected(peer);
        _follower?.OnPeerConnected(peer);
    }

    /// <summary>
    /// The host measured the log: retire its prefix if the retention policy says so, keeping what
    /// connected followers still need (a follower that needs retired entries gets a snapshot).
    /// </summary>
    public void ConsiderRetention(RetentionOptions options, LogStats stats)
    {
        var neededFrom = _leader?.NeededFrom ?? History.Last.Lsn.Next;
        if (RetentionPolicy.RetireThrough(options, stats, neededFrom, NowMs) is { } through && through > History.Base.Lsn && through <= Appended)
        {
            History.RetireThrough(through);
            Pending.LogOperations.Add(new RetireOperation(through));
        }
    }

    /// <summary>The commit timestamp of a recent entry, if it is still in the entry cache.</summary>
    public HlcTimestamp? EntryTimestamp(Lsn lsn) => Cache.Get(lsn)?.Timestamp;

    public Ready TakeReady()
    {
        var ready = Pending;
        ready.AckedLsn = AckedLsn;
        _ackedReported = ready.AckedLsn;
        Pending = new Ready();
        return ready;
    }

    /// <summary>The (epoch, LSN) of a position in the local log.</summary>
    public LogPosition PositionOf(Lsn lsn) =>
        new(History.EpochAt(lsn) ?? Epoch.Zero, lsn);

    internal void Send(PeerMessage message) => Pending.Messages.Add(message);

    internal void AdoptEpoch(Epoch epoch)
    {
        Invariant.That(epoch > Epoch, "epochs only go forward");
        Epoch = epoch;
        Pending.NewEpoch = epoch;
    }

    /// <summary>Queues entries for the host to append, extending the local log now.</summary>
    internal void QueueAppend(IReadOnlyList<LogEntry> entries, bool sync = false)
    {
        foreach (var entry in entries)
        {
            History.Append(entry.Position);
            Cache.Append(entry);
            Clock.Observe(entry.Timestamp);
            if (entry.Kind == PayloadKind.ClusterConfig)
            {
                ApplySettings(ClusterSettings.Decode(entry.Payload.Span), entry.Lsn);
            }
        }
        if (Pending.LogOperations.Count > 0 && Pending.LogOperations[^1] is AppendOperation previous)
        {
            previous.Entries.AddRange(entries);
            previous.Sync |= sync;
        }
        else
        {
            Pending.LogOperations.Add(new AppendOperation([.. entries]) { Sync = sync });
        }
    }

    internal void QueueTruncate(Lsn keepThrough)
    {
        History.TruncateAfter(keepThrough);
        Cache.TruncateAfter(keepThrough);
        Pending.LogOperations.Add(new TruncateOperation(keepThrough));
    }

    /// <summary>Settings take effect as soon as their entry is in the log (as Raft does with configurations).</summary>
    private void ApplySettings(ClusterSettings settings, Lsn at)
    {
        Settings = settings;
        SettingsLsn = at;
        _leader?.OnSettingsChanged();
    }
}
