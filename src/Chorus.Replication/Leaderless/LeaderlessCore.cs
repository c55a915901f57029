using Chorus.Core;
using Chorus.Core.Encoding;
using Chorus.Core.Log;
using Chorus.Core.Messaging;
using Chorus.Core.Requests;
using Chorus.Replication.Leaderless.Messages;
using Chorus.Replication.Log;
using Chorus.Replication.Membership;
using Chorus.Replication.Quorum;

namespace Chorus.Replication.Leaderless;

/// <summary>
/// A leaderless (Dynamo-style) node's deterministic core (DDIA ch. 5, "Leaderless replication"):
/// every node coordinates the client requests it receives — reads from R replicas of the key's
/// preference list, writes acknowledged by W — and is a replica for the keys the ring gives it.
/// It wires the parts together and routes messages to them: the <see cref="WriteCoordinator"/>,
/// the <see cref="ReadCoordinator"/> (with read repair), the <see cref="VersionStore"/> (this
/// replica's versions, through the shell), <see cref="HintStore"/> (hinted handoff),
/// <see cref="AntiEntropy"/> over the <see cref="MerkleForest"/>, and <see cref="Membership"/>.
/// No clock, no IO, no threads: the shell feeds it time, messages and storage results.
/// </summary>
public sealed class LeaderlessCore : IReplicationCore, IRequestCore, IKeyStoreCore
{
    private readonly LeaderlessContext _context;
    private readonly EpochLog _log;
    private readonly MerkleForest _trees;
    private readonly VersionStore _store;
    private readonly HintStore _hints;
    private readonly RangeSender _sender;
    private readonly AntiEntropy _antiEntropy;
    private readonly Membership _membership;
    private readonly RangeDropper _dropper;
    private readonly WriteCoordinator _writes;
    private readonly TombstoneReaper _reaper;
    private readonly ReadCoordinator _reads;
    private readonly ExpiringKeys _expiring;
    private readonly ExpiryUpdates _expiryUpdates;
    private readonly Dictionary<ProposalId, Action<ProposalOutcome>> _internal = [];
    private ulong _lastProposal;
    private long _nextPingMs;

    public LeaderlessCore(LeaderlessSettings settings, RingConfig initialRing, CoreStart start)
    {
        var ring = start.Config is { } stored && RingConfig.Decode(stored.Payload.Span) is { } restored && initialRing.IsSupersededBy(restored)
            ? restored
            : initialRing;
        _context = new LeaderlessContext(start.Self, settings, ring, new Random(start.RandomSeed));
        _log = new EpochLog(start.Self, start.History, _context);
        _trees = new MerkleForest(_context);
        _store = new VersionStore(_context, _log, _trees);
        _hints = new HintStore(_context) { StoreHere = (key, versions, then) => _store.Merge(key, versions, (_, _) => then()) };
        _sender = new RangeSender(_context);
        _antiEntropy = new AntiEntropy(_context, _trees, _store, _sender);
        _dropper = new RangeDropper(_context, _store);
        _membership = new Membership(_context, _log, _trees, _sender) { RingChanged = OnRingChanged, HandoverEnded = _dropper.HandoverEnded };
        _reaper = new TombstoneReaper(_context, _store, _hints);
        _writes = new WriteCoordinator(_context, _store, _hints, _reaper, Complete);
        _reads = new ReadCoordinator(_context, _store, _hints, Complete);
        _expiring = new ExpiringKeys(_context, _store, delete => SubmitInternal(delete, static _ => { }));
        _expiryUpdates = new ExpiryUpdates(SubmitInternal, Complete);
        _store.Stored = _expiring.Track;
        _trees.Scanned = _expiring.Track;
    }

    public NodeId Self => _context.Self;

    public MessageFamily Family => MessageFamily.Leaderless;

    /// <summary>Every node takes requests: there is no leader to wait for.</summary>
    public Admission Admission => Admission.Accept;

    /// <summary>Requests are served out of order (<see cref="ProposalCompletion.Of"/>); nothing waits on a log position.</summary>
    public ProposalId LastProposed => new(_lastProposal, Lsn.Zero);

    public bool HasReady => !_context.Pending.IsEmpty || _store.HasWork;

    /// <summary>Change data capture serves this replica's own log of stored versions, each entry once it is stored.</summary>
    public LogPosition? ChangeCaptureThrough => _log.History.Last;

    /// <summary>The ring this node works with now.</summary>
    public RingConfig Ring => _context.Config;

    public int StatusFingerprint => HashCode.Combine(_context.Config.Version, _context.Peers.Count(_context.IsUp), _hints.Count, _trees.Built, _writes.Waiting, _reads.Waiting);

    public void Start(long nowMs)
    {
        _context.NowMs = nowMs;
        _context.Liveness.Start(nowMs);
        _hints.Load();
        _dropper.Load();
        _trees.Reset();
        _trees.Step();
        PingAll();
    }

    public void Tick(long nowMs)
    {
        _context.NowMs = Math.Max(_context.NowMs, nowMs);
        _reads.NewRound();
        if (_context.NowMs >= _nextPingMs)
        {
            PingAll();
        }
        _writes.Tick();
        _reaper.Tick();
        _expiring.Tick();
        _reads.Tick();
        _hints.Tick();
        _membership.Tick();
        _antiEntropy.Tick();
        _sender.Tick();
        _dropper.Tick();
        _trees.Step();
    }

    public void Step(Envelope message)
    {
        LeaderlessMessage decoded;
        try
        {
            decoded = LeaderlessCodec.Decode(message.Bytes.Span);
        }
        catch (CorruptDataException e)
        {
            _context.Counters.RefusedMessages++;
            _context.Pending.Notices.Add(new LogNotice($"refused a leaderless message from {message.From}: {e.Message}", Warning: true));
            return;
        }
        if (!_context.Knows(message.From) && decoded is not RingUpdate)
        {
            _context.Counters.RefusedMessages++;
            if (decoded is Ping)
            {
                _membership.Observe(message.From, decoded.RingVersion); // a node about to join learns the ring
            }
            return; // not a member of this node's ring: it learns the ring by gossip, not by writing
        }
        if (_context.Liveness.Heard(message.From, _context.NowMs))
        {
            _hints.DeliverSoon(); // a node came back: hand it what it missed
        }
        _membership.Observe(message.From, decoded.RingVersion);
        Dispatch(message.From, decoded);
    }

    /// <summary>Starts serving a client's read or write; its answer comes as a completion of the returned id.</summary>
    public ProposalId Submit(ClientRequest request)
    {
        var proposal = new ProposalId(++_lastProposal, Lsn.Zero);
        switch (request)
        {
            case KeyRead read:
                _reads.Start(proposal, read);
                break;
            case KeyWrite write:
                _writes.Start(proposal, write);
                break;
            case KeyExpire expire:
                _expiryUpdates.Start(proposal, expire);
                break;
            case RingRequest ring:
                Complete(proposal, RingRequests.Serve(ring, _context, _membership));
                break;
            default:
                Complete(proposal, new RequestRefused($"{request.GetType().Name} requests are not served by the leaderless family"));
                break;
        }
        return proposal;
    }

    /// <summary>Writes go through <see cref="Submit"/>: a leaderless node never proposes log payloads.</summary>
    public ProposalId Propose(PayloadKind kind, ReadOnlySpan<byte> payload) =>
        throw new InvalidOperationException("a leaderless core serves requests (IRequestCore.Submit); it takes no log proposals");

    public Ready TakeReady()
    {
        var ready = _context.Pending;
        _store.Flush(ready);
        _context.Pending = new Ready();
        return ready;
    }

    public void OnAppended(Lsn lsn, bool synced)
    {
    }

    public void OnFlushed(Lsn lsn)
    {
    }

    public void OnTruncated(Lsn keepThrough, ConfigEntry? config)
    {
    }

    public void OnLogRead(LogReadRequest request, IReadOnlyList<LogEntry> entries)
    {
    }

    /// <summary>A fresh stream: say hello, so the peer counts this node as up at once.</summary>
    public void OnPeerConnected(NodeId peer) => _context.Send(peer, new Ping(_context.Config.Version));

    public void OnSnapshotTaken(NodeId requester, LogPosition position)
    {
    }

    /// <summary>The log is this node's own record of what it stored; nobody else reads it, so only retention bounds it.</summary>
    public void ConsiderRetention(RetentionOptions options, LogStats stats)
    {
        if (RetentionPolicy.RetireThrough(options, stats, stats.Last.Next, _context.NowMs) is { } through)
        {
            _context.Pending.LogOperations.Add(new RetireOperation(through));
        }
    }

    /// <summary>WAIT has no meaning without a log others follow; W is a leaderless node's replica count.</summary>
    public int ReplicasHolding(Lsn lsn) => 0;

    public void OnKeysRead(KeyReadRequest request, IReadOnlyList<StoredKeyVersions?> found) => _store.OnKeysRead(request, found);

    public void OnRangeRead(RangeReadRequest request, IReadOnlyList<StoredKeyVersions> records, bool complete) => _context.OnRangeRead(request, records, complete);

    public void OnLocalRead(LocalReadRequest request, IReadOnlyList<LocalRecord> records) => _context.OnLocalRead(request, records);

    public NodeStatus Describe()
    {
        var last = _log.History.Last;
        var settings = new ClusterSettings([.. _context.Config.Members.Select(m => new Member(m.Id, m.PeerAddress, m.ClientEndpoint, MemberRole.Voter))], AckPolicy.Default);
        return new NodeStatus(Self, NodeRole.Leader, null, Epoch.Zero, last, last.Lsn, _context.NowMs, [], null, settings, last.Lsn, null, _log.History.Base.Lsn,
            new ElectionStatus(null, 0, 0, null, "no-failover", null))
        {
            Admission = Admission,
            Family = LeaderlessStatusOf(),
            Fingerprint = StatusFingerprint,
        };
    }

    private LeaderlessStatus LeaderlessStatusOf()
    {
        var ring = _context.Ring;
        var shares = ring.PrimaryShares();
        var peers = _context.Peers.Select(p => new PeerView(p, _context.IsUp(p), _context.Liveness.LastHeardMs(p))).ToList();
        var replicaShare = RingRequests.ReplicaShare(_context.Ring, _context.Settings.N, Self);
        return new LeaderlessStatus(_context.Settings, _context.Config, _context.Actor, peers, shares.GetValueOrDefault(Self), replicaShare, LeaderlessTotals.Of(_context.Counters))
        {
            HintsPending = _hints.Count,
            HintsByHome = _hints.CountByHome,
            RequestsInFlight = _writes.InFlight + _reads.InFlight,
            HandOversRemembered = _writes.HandOversRemembered,
            WritesWaiting = _writes.Waiting,
            ReadsWaiting = _reads.Waiting,
            Trees = _trees.Count,
            TreesBuilt = _trees.Built,
            TreeBuildProgress = _trees.BuildProgress,
            AntiEntropyPeer = _antiEntropy.ComparingWith,
            AntiEntropyPasses = _antiEntropy.Passes,
            RangeSendsPending = _sender.Pending,
            RangesToFetch = _membership.RangesPending,
            PreviousRing = _context.PreviousConfig,
            IsMember = _context.IsMember,
            AwaitedGainers = _membership.AwaitedGainers,
            KeysStored = _store.KeysWritten,
            TombstonesPending = _reaper.Pending,
            ExpiringKeys = _expiring.Tracked,
            DroppingLostRanges = _dropper.Dropping,
        };
    }

    private void Dispatch(NodeId from, LeaderlessMessage message)
    {
        switch (message)
        {
            case Ping:
                _context.Send(from, new Pong(_context.Config.Version));
                break;
            case Pong:
                break;
            case Store store:
                OnStore(from, store);
                break;
            case Stored stored:
                if (!_hints.OnStored(from, stored))
                {
                    _writes.OnStored(from, stored);
                }
                break;
            case Fetch fetch:
                OnFetch(from, fetch);
                break;
            case Fetched fetched:
                _reads.OnFetched(from, fetched);
                break;
            case Coordinate coordinate:
                _writes.OnCoordinate(from, coordinate);
                break;
            case Coordinated coordinated:
                _writes.OnCoordinated(from, coordinated);
                break;
            case TreeLevels levels:
                _antiEntropy.OnTreeLevels(from, levels);
                break;
            case RangeKeys keys:
                _antiEntropy.OnRangeKeys(from, keys, _membership.IsFetching(keys.Session) ? _membership.OnStreamed : null);
                break;
            case StreamRange stream:
                _membership.OnStreamRange(from, stream);
                break;
            case RingUpdate update:
                _membership.OnRingUpdate(from, update);
                break;
            case Reap reap:
                _reaper.OnReap(reap);
                break;
            case Handover handover:
                _membership.OnHandover(from, handover);
                break;
        }
    }

    /// <summary>
    /// A replica's part of a write: merge the versions (or keep them as a hint for the home node
    /// this node stands in for) and confirm once stored — the confirmation travels in the Ready
    /// that stores them, so it never leaves before they are on disk.
    /// </summary>
    private void OnStore(NodeId from, Store message)
    {
        var versions = Core.Versions.KeyVersions.Decode(message.Versions);
        void Confirm() => _context.Send(from, new Stored(_context.Config.Version, message.RequestId, message.Key));
        if (message.HintFor is { } home && home != Self)
        {
            _hints.Add(home, message.Key, versions, kept =>
            {
                if (kept && message.RequestId != 0)
                {
                    Confirm();
                }
            });
            return;
        }
        _store.Merge(message.Key, versions, (_, _) =>
        {
            if (message.RequestId != 0)
            {
                Confirm();
            }
        });
    }

    /// <summary>A read's replica part: this node's versions of each key (with any hints it holds for them), in order.</summary>
    private void OnFetch(NodeId from, Fetch message)
    {
        var answers = new byte[message.Keys.Count][];
        var left = message.Keys.Count;
        if (left == 0)
        {
            _context.Send(from, new Fetched(_context.Config.Version, message.RequestId, []));
            return;
        }
        for (var i = 0; i < message.Keys.Count; i++)
        {
            var index = i;
            var key = message.Keys[i];
            _store.Read(key, versions =>
            {
                answers[index] = Core.Versions.KeyVersions.Encode(versions.Merge(_hints.For(key)));
                if (--left == 0)
                {
                    _context.Send(from, new Fetched(_context.Config.Version, message.RequestId, answers));
                }
            });
        }
    }

    private void PingAll()
    {
        _nextPingMs = _context.NowMs + _context.Settings.PingIntervalMs;
        foreach (var peer in _context.Peers)
        {
            _context.Send(peer, new Ping(_context.Config.Version));
        }
    }

    private void OnRingChanged()
    {
        _trees.Step();
        _writes.OnRingChanged();
        _dropper.RingChanged();
        // During a handover the old ring's members stay connected: a leaving node still streams its
        // ranges; after it, the removed nodes for as long as this node tells them it handed over.
        var members = _context.Config.Members.Concat(_context.PreviousConfig?.Members ?? []).Concat(_membership.RemovedBeingTold).DistinctBy(m => m.Id);
        _context.Pending.Notices.Add(new PeersChanged(members.ToDictionary(m => m.Id, m => m.PeerAddress)));
    }

    private void Complete(ProposalId proposal, ProposalOutcome outcome)
    {
        if (_internal.Remove(proposal, out var then))
        {
            then(outcome);
            return;
        }
        _context.Pending.Completions.Add(ProposalCompletion.Of(proposal, outcome));
    }

    /// <summary>A request the core makes itself (a step of EXPIRE, an expired key's deletion): its outcome goes to <paramref name="then"/>, not to a client.</summary>
    private void SubmitInternal(ClientRequest request, Action<ProposalOutcome> then)
    {
        var proposal = new ProposalId(_lastProposal + 1, Lsn.Zero);
        _internal[proposal] = then;
        Invariant.That(Submit(request) == proposal, "an internal request gets the next proposal id");
    }
}
