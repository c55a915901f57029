using Chorus.Core;
using Chorus.Core.Log;
using Chorus.Core.Messaging;
using Chorus.Replication.Log;
using Chorus.Replication.Membership;
using Chorus.Replication.Messages;

namespace Chorus.Replication.SingleLeader;

/// <summary>
/// Single-leader replication with elections, as a deterministic state machine (after etcd raft):
/// one family behind the <see cref="IReplicationCore"/> contract. The host feeds it inputs —
/// proposals, peer messages, ticks carrying the time, storage completions — and carries out the
/// <see cref="Ready"/> it returns. It reads no clock, starts no thread, does no IO and draws
/// randomness only from the source it is given, so the simulator drives exactly this code.
/// </summary>
public sealed partial class SingleLeaderCore : IReplicationCore
{
    private readonly FollowerRole _follower;
    private readonly ElectionDriver _elections;
    private readonly PeerRouter _router;
    private readonly RoleChanges _roles;
    private LeaderRole? _leader;

    /// <summary>The leader role while this node leads.</summary>
    internal LeaderRole? LeaderState => _leader;
    private Lsn _ackedReported;

    public SingleLeaderCore(ReplicationOptions options, ClusterConfig cluster, CoreStart start, string clientEndpoint = "")
        : this(options, cluster, start.HardState, start.History, SettingsOf(start.Config, cluster), new Random(start.RandomSeed ^ 0x5EED), clientEndpoint)
    {
    }

    public SingleLeaderCore(
        ReplicationOptions options,
        ClusterConfig cluster,
        HardState hardState,
        EpochHistory history,
        (ClusterSettings Settings, Lsn At) settings,
        Random random,
        string clientEndpoint = "")
    {
        Options = options;
        Cluster = cluster;
        ClientEndpoint = clientEndpoint;
        var epoch = hardState.Epoch > history.Last.Epoch ? hardState.Epoch : history.Last.Epoch;
        History = history;
        Appended = history.Last.Lsn;
        Flushed = history.Last.Lsn;
        Cache = new EntryCache(options.EntryCacheBytesMax);
        (Settings, SettingsLsn) = settings;
        _follower = new FollowerRole(this);
        _elections = new ElectionDriver(this, random);
        _roles = new RoleChanges(this, _elections, _follower, epoch, hardState.Epoch == epoch ? hardState.VotedFor : null);
        _router = new PeerRouter(this, _elections, _follower);
        Lease = new CheckQuorumLease(options);
    }

    public ReplicationOptions Options { get; }

    /// <summary>Who this node is and which node should lead when none does.</summary>
    public ClusterConfig Cluster { get; }

    public NodeId Self => Cluster.Self;

    public MessageFamily Family => MessageFamily.SingleLeader;

    /// <summary>This node's RESP endpoint ("host:port"), announced to the leader.</summary>
    public string ClientEndpoint { get; }

    public NodeRole Role => _roles.Role;

    /// <summary>The leader of the current epoch, once known (this node, when it leads).</summary>
    public NodeId? Leader => _roles.Leader;

    public Epoch Epoch => _roles.Epoch;

    /// <summary>Whom this node voted for in <see cref="Epoch"/>.</summary>
    public NodeId? VotedFor => _roles.VotedFor;

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

    /// <summary>Elapsed time for bounded staleness: never steps back with the wall clock.</summary>
    internal ElapsedClock Elapsed { get; } = new();

    /// <summary>Elections this node started (real ones, after a successful pre-vote).</summary>
    public long ElectionsStarted => _roles.ElectionsStarted;

    /// <summary>Times this node became leader.</summary>
    public long TimesElected => _roles.TimesElected;

    internal EntryCache Cache { get; }

    internal Ready Pending { get; private set; } = new();

    /// <summary>
    /// A linearizable read: the leader confirms its leadership (a quorum round, or its lease) and
    /// waits for the commit point to reach the read's index; a follower asks the leader for that
    /// index and waits until its own log holds it. The outcome arrives in a later Ready.
    /// </summary>
    public ReadOutcome? RequestRead(ReadRequest request)
    {
        if (_leader is not null)
        {
            _leader.RequestRead(request.Id, null);
            return null;
        }
        return _follower.Reads.Request(request.Id);
    }

    /// <summary>
    /// A bounded-staleness read waits for this node to be current: a follower asks its leader for
    /// an immediate round trip (<see cref="FreshnessProbe"/>), rather than waiting for the next
    /// heartbeat; a leader is current already.
    /// </summary>
    public void RequestFreshness()
    {
        if (_leader is null)
        {
            _follower.Probe.Request();
        }
    }

    /// <summary>Begins operating at <paramref name="nowMs"/> as a follower; the preferred leader stands for election at once.</summary>
    public void Start(long nowMs)
    {
        NowMs = nowMs;
        Elapsed.Start(nowMs);
        Clock.Now(nowMs);
        _follower.Start();
        _elections.Start(nowMs);
        Pending.Notices.Add(new PeersChanged(PeerAddresses(Settings)));
    }

    /// <summary>Appends a new entry (leader only); persisting it (and shipping it to followers) is in the next Ready.</summary>
    public ProposalId Propose(PayloadKind kind, ReadOnlySpan<byte> payload)
    {
        Invariant.That(_leader is not null, "only the leader assigns LSNs");
        return IdOf(_leader.Propose(kind, payload).Lsn);
    }

    /// <summary>Appends new cluster settings (leader only); they apply from this entry on.</summary>
    public ProposalId ProposeSettings(ClusterSettings settings) => Propose(PayloadKind.ClusterConfig, settings.Encode());

    /// <summary>A message from a peer, decoded with this family's codec; bad input is refused with a warning notice.</summary>
    public void Step(Envelope message) => _router.Step(message);

    public void Step(PeerMessage message) => _router.Step(message);

    /// <summary>Time has advanced; does whatever is due (heartbeats, retransmits, elections, ack timeouts).</summary>
    public void Tick(long nowMs)
    {
        if (nowMs > NowMs)
        {
            NowMs = nowMs;
        }
        Elapsed.Tick(nowMs);
        Lease.OnTick(NowMs);
        if (_leader is not null)
        {
            _leader.Tick();
            return;
        }
        _follower.Tick();
        _elections.Tick(NowMs);
    }

    /// <summary>
    /// The host appended and applied every entry up to <paramref name="lsn"/>; with
    /// <paramref name="synced"/>, they are also on stable storage.
    /// </summary>
    public void OnAppended(Lsn lsn, bool synced)
    {
        Invariant.That(lsn >= Appended && lsn <= History.Last.Lsn, "appends complete in order, within the log");
        Appended = lsn;
        if (synced)
        {
            Flushed = lsn;
        }
        if (_leader is not null)
        {
            _leader.OnAppended();
        }
        else
        {
            _follower.OnAppended();
        }
    }

    /// <summary>The host truncated the log after <paramref name="keepThrough"/>; <paramref name="config"/> is the latest settings entry at or before it.</summary>
    public void OnTruncated(Lsn keepThrough, ConfigEntry? config)
    {
        if (CommitLsn > keepThrough)
        {
            // Only possible when a majority lost applied-but-unsynced entries in a power loss.
            Pending.Notices.Add(new LogNotice($"rolled back entries through LSN {CommitLsn} that a majority had applied: they were lost with unsynced writes (fsync everysec or no); reads already served them", Warning: true));
            CommitLsn = keepThrough;
        }
        Appended = Lsn.Min(Appended, keepThrough);
        Flushed = Lsn.Min(Flushed, keepThrough);
        var (settings, at) = SettingsOf(config, Cluster);
        if (at != SettingsLsn)
        {
            ApplySettings(settings, at);
        }
        _follower.OnTruncated();
    }

    /// <summary>Everything up to <paramref name="lsn"/> is on stable storage.</summary>
    public void OnFlushed(Lsn lsn)
    {
        if (lsn <= Flushed)
        {
            return;
        }
        Flushed = Lsn.Min(lsn, Appended);
        if (_leader is null)
        {
            _follower.OnFlushed();
        }
    }

    /// <summary>Entries the host read from storage for a <see cref="LogReadRequest"/> (empty: no longer there).</summary>
    public void OnLogRead(LogReadRequest request, IReadOnlyList<LogEntry> entries) =>
        _leader?.OnLogRead(request.Follower, request.From, entries);

    /// <summary>The host took a snapshot at <paramref name="position"/> for <paramref name="follower"/> to load.</summary>
    public void OnSnapshotTaken(NodeId follower, LogPosition position) => _leader?.OnSnapshotTaken(follower, position);

    /// <summary>The transport (re)connected to <paramref name="peer"/>; earlier messages may be lost.</summary>
    public void OnPeerConnected(NodeId peer)
    {
        if (_leader is not null)
        {
            _leader.OnPeerConnected(peer);
        }
        else
        {
            _follower.OnPeerConnected(peer);
        }
    }

    /// <summary>
    /// Hands over everything decided since the last call. A leader first ships the entries
    /// proposed since then to its streaming followers, so its own append and the AppendEntries
    /// for the same entries leave in one Ready (the host stores before it sends); writes
    /// acknowledged since the last Ready complete before anything else in it.
    /// </summary>
    public Ready TakeReady()
    {
        _leader?.ShipPending();
        var ready = Pending;
        var acked = AckedLsn;
        if (_leader is not null && acked > _ackedReported)
        {
            ready.Completions.Insert(0, new ProposalCompletion(IdOf(acked), Replication.Committed.Instance));
        }
        _ackedReported = _leader is null ? Lsn.Zero : acked;
        Pending = new Ready();
        return ready;
    }

    /// <summary>Single-leader numbers proposals by their LSN.</summary>
    internal static ProposalId IdOf(Lsn lsn) => new(lsn.Value, lsn);

    /// <summary>The check-quorum lease of this node (used while it leads).</summary>
    internal CheckQuorumLease Lease { get; }

    /// <summary>
    /// Log entries travel in the bulk lane, everything else (heartbeats, votes, acknowledgements)
    /// in the control lane, so a heartbeat never waits behind a large entry on its way (a 31 MiB
    /// write is a 63 MiB entry with its before-images). Lanes keep their own order only: entries
    /// stay in order among themselves, and a heartbeat overtaking them names a position the
    /// follower already confirmed (<see cref="LogShipping.SendHeartbeat"/>).
    /// <para>
    /// Heartbeats and acknowledgements are marked <see cref="Envelope.KeepAlive"/>: while this
    /// node's loop spends seconds on one round (storing a 62 MiB entry), the host may send the
    /// latest of them again. A copy is a duplicate, which the protocol tolerates (the simulator's
    /// network makes them): a heartbeat names a position the follower confirmed and the commit
    /// point as they were, an acknowledgement what the follower had; read rounds and leases count
    /// only the rounds they name, so a copy extends no lease beyond what was confirmed.
    /// </para>
    /// </summary>
    internal void Send(PeerMessage message) =>
        Pending.Messages.Add(new Envelope(Self, message.To, MessageFamily.SingleLeader, PeerMessageCodec.EncodeToMemory(message),
            message is AppendEntries { EntryCount: > 0 } ? MessageLane.Bulk : MessageLane.Control,
            KeepAlive: message is AppendEntries { EntryCount: 0 } or AppendResponse));

    internal void Notice(string text) => Pending.Notices.Add(new LogNotice(text));

    /// <summary>A warning for the node's log (refused input).</summary>
    internal void Warn(string text) => Pending.Notices.Add(new LogNotice(text, Warning: true));

    /// <summary>
    /// Why this node last stopped leading, while no leader is known since: a handover says so, a
    /// lost lease says so, and the reason is forgotten once a leader is known again (a later
    /// refusal never repeats a stale one).
    /// </summary>
    public StepDownReason? LastStepDownReason => _roles.LastStepDownReason;

    internal void VoteFor(NodeId candidate) => _roles.VoteFor(candidate);

    internal bool HeardFromLeaderRecently() => _elections.HeardFromLeaderRecently();

    internal void StartEpochAsCandidate() => _roles.StartEpochAsCandidate();

    internal void EnterCandidacy() => _roles.EnterCandidacy();

    /// <summary>This node won its election: the leader role exists before it starts (its first act is a proposal).</summary>
    internal void BecomeLeader()
    {
        _roles.BecomeLeader();
        _leader = new LeaderRole(this);
        _leader.Start();
    }

    /// <summary>Becomes (or stays) a follower in <paramref name="epoch"/>; a leader steps down (for <paramref name="reason"/>, else a newer epoch).</summary>
    internal void BecomeFollower(Epoch epoch, NodeId? leader, StepDownReason? reason = null)
    {
        var wasLeading = _leader;
        _leader = null;
        _roles.BecomeFollower(epoch, leader, wasLeading, reason);
    }

    /// <summary>The leader lost its lease (no majority heard from): it stops leading and says why.</summary>
    internal void StepDown(StepDownReason reason) => BecomeFollower(Epoch, null, reason);
}
