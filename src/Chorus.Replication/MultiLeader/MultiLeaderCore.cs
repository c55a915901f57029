using Chorus.Core;
using Chorus.Core.Encoding;
using Chorus.Core.Log;
using Chorus.Core.Messaging;
using Chorus.Core.Sites;
using Chorus.Core.Versions;
using Chorus.Replication.Log;
using Chorus.Replication.SingleLeader;

namespace Chorus.Replication.MultiLeader;

/// <summary>
/// Multi-leader replication (DDIA ch. 5, "Multi-Leader Replication"), as a deterministic core:
/// each site is a single-leader group run by an unchanged <see cref="SingleLeaderCore"/>
/// (elections, failover, the log stream to its followers), and its leader exchanges committed
/// changes with other sites' leaders asynchronously over <see cref="SiteLink"/>s.
/// <para>
/// Every change carries its origin site, its number there and the site's frontier when it was
/// made (a version vector), so a site delivers it once, after everything it depends on, however
/// many paths it arrives by. The data layer versions each key with its own version vector and
/// resolves concurrent versions by the key's policy (<see cref="Ready.Incoming"/> →
/// <see cref="OnResolved"/>); this core only orders, numbers and ships changes.
/// </para>
/// </summary>
public sealed partial class MultiLeaderCore : IReplicationCore, ISiteRouter
{
    private readonly SingleLeaderCore _site;
    private readonly MultiLeaderOptions _options;
    private readonly HybridLogicalClock _clock = new();
    private readonly Dictionary<NodeId, SiteLink> _links = [];
    private readonly SiteInbox _inbox;
    private readonly SiteOutbox _outbox = new();
    private readonly Queue<(Dot Dot, VersionVector Frontier)> _resolving = new();
    private Ready _own = new();
    private VersionVector _delivered = VersionVector.Empty;
    private VersionVector _committed = VersionVector.Empty;
    private Lsn _lastSiteEntry = Lsn.Zero;
    private LogReadRequest? _scan;
    private bool _leading;
    /// <summary>When this node began leading or the routes last changed: a link's silence counts from then at the earliest.</summary>
    private long _routesSinceMs;
    private bool _loaded;
    private int _statusVersion;
    private byte[]? _persistedSettings;

    public MultiLeaderCore(MultiLeaderOptions options, SingleLeaderCore site)
    {
        Invariant.That(options.Sites.ContainsKey(options.Site) && options.Sites[options.Site].Contains(site.Self), "a node belongs to the site it runs in");
        _options = options;
        _site = site;
        _inbox = new SiteInbox(options.CausalDelivery, options.HeldBackMax);
        Settings = options.Settings;
        SiteIds = options.SiteIds;
        foreach (var (id, nodes) in options.Sites)
        {
            if (id != options.Site)
            {
                _links[id] = new SiteLink(id, nodes);
            }
        }
        FollowLoggedSettings(); // the links first: the log may hold cuts of them
    }

    public NodeId Self => _site.Self;

    public NodeId Site => _options.Site;

    /// <summary>The single-leader group inside this site (elections, failover, FAILOVER TO).</summary>
    public SingleLeaderCore SiteCore => _site;

    public MessageFamily Family => MessageFamily.MultiLeader;

    public IReadOnlyList<NodeId> SiteIds { get; }

    public bool InOwnSite(NodeId node) => _options.Sites[Site].Contains(node);

    public NodeId? RouteTo(NodeId site) => _links.TryGetValue(site, out var link) && !link.IsCut ? link.RouteTarget : null;

    public bool Speaks(MessageFamily family) => family == MessageFamily.MultiLeader || family == MessageFamily.SingleLeader;

    /// <summary>The settings every site shares: topology, conflict policies, homes, failed sites.</summary>
    public SiteSettings Settings { get; private set; }

    /// <summary>Every change this site has taken in (its own and others'), committed or not.</summary>
    public VersionVector Delivered => _delivered;

    /// <summary>Changes received from other sites and delivered here since this node started.</summary>
    public long ChangesDelivered { get; private set; }

    /// <summary>Batches sent again at once because their site was heard from after a silence (see <see cref="MultiLeaderOptions.ResendWhenHeardFrom"/>).</summary>
    public long ResendsAfterSilence { get; private set; }

    /// <summary>For the simulator's checkers: called when a change from another site is delivered here, in delivery order.</summary>
    public Action<NodeId, SiteChange>? OnDelivered { get; set; }

    public Admission Admission
    {
        get
        {
            var inner = _site.Admission;
            return inner.Kind == AdmissionKind.Accept && !_loaded ? Admission.Hold : inner;
        }
    }

    public ProposalId LastProposed => _site.LastProposed;

    public bool HasReady => _site.HasReady || !_own.IsEmpty;

    public WriteStamp? StampWrite(long nowMs) => new(Site, _clock.Now(nowMs), Settings);

    public bool VersionsWrites => true;

    /// <summary>Change data capture serves the site's log up to what the site's group committed.</summary>
    public LogPosition? ChangeCaptureThrough => _site.Committed;

    public void Start(long nowMs)
    {
        _site.Start(nowMs);
        NowMs = nowMs;
    }

    public long NowMs { get; private set; }

    public void Tick(long nowMs)
    {
        NowMs = nowMs;
        _site.Tick(nowMs);
        FollowLeadership();
        FollowLoggedSettings();
        Pump();
    }

    public void Step(Envelope message)
    {
        if (message.Family == MessageFamily.SingleLeader)
        {
            _site.Step(message);
            FollowLeadership();
            FollowLoggedSettings();
            Pump();
            return;
        }
        SiteMessage decoded;
        try
        {
            decoded = SiteMessageCodec.Decode(message.Bytes);
        }
        catch (CorruptDataException e)
        {
            _own.Notices.Add(new LogNotice($"refused a multi-leader message from {message.From}: {e.Message}", Warning: true));
            return;
        }
        if (_links.TryGetValue(decoded.FromSite, out var link) && link.IsCut)
        {
            return; // an operator cut this link: nothing crosses it either way
        }
        var resend = link is not null && HeardFrom(link);
        var shipped = decoded switch { ShipChanges ship => ship.Settings, ShipAck ack => ack.Settings, _ => null };
        if (_leading && shipped is not null)
        {
            HeardSettingsFrom(decoded.FromSite);
            Adopt(shipped);
        }
        switch (decoded)
        {
            case ShipChanges ship:
                Receive(message.From, ship);
                break;
            case ShipAck ack:
                Acknowledged(message.From, ack);
                break;
        }
        if (resend)
        {
            Pump();
        }
    }

    public ProposalId Propose(PayloadKind kind, ReadOnlySpan<byte> payload)
    {
        if (kind != PayloadKind.MultiLeader)
        {
            return _site.Propose(kind, payload); // site-local entries: expiry, settings
        }
        Invariant.That(_loaded, "local writes wait until the site's changes are loaded");
        var proposal = SiteProposal.Decode(payload);
        var seq = _delivered[Site] + 1;
        var header = new ChangeHeader(Site, seq, proposal.Timestamp, _delivered);
        _delivered = _delivered.With(Site, seq);
        return Log(new SiteChange(header, proposal.Ops), _delivered, proposal.Local.Span);
    }

    public bool OnResolved(IncomingChange change, ReadOnlySpan<byte> local)
    {
        // Leadership may have moved on (and come back) since the change was delivered: then the
        // queue was reset, and the change is taken in again from its sender.
        if (!_leading || !_resolving.TryPeek(out var next) || next.Dot != change.Change.Header.Dot)
        {
            return false;
        }
        var (_, frontier) = _resolving.Dequeue();
        if (!_options.TagsOrigins)
        {
            LogAsOwn(change.Change, local);
            return true;
        }
        Log(change.Change, frontier, local);
        return true;
    }

    /// <summary>
    /// The broken variant without origin tags (<see cref="MultiLeaderOptions.TagsOrigins"/> off): a
    /// change taken in from another site is passed on as a change of this site's own — nothing
    /// says where it came from, so no site can tell its own change when it comes back around.
    /// </summary>
    private void LogAsOwn(SiteChange change, ReadOnlySpan<byte> local)
    {
        var seq = _delivered[Site] + 1;
        var header = new ChangeHeader(Site, seq, change.Header.Timestamp, _delivered);
        _delivered = _delivered.With(Site, seq);
        Log(new SiteChange(header, change.Ops), _delivered, local);
    }

    private ProposalId Log(SiteChange change, VersionVector frontier, ReadOnlySpan<byte> local)
    {
        var entry = SiteEntry.Encode(change.Header, frontier, change.Ops.Span, local);
        var id = _site.Propose(PayloadKind.MultiLeader, entry);
        _outbox.Add(id.Lsn, change, frontier);
        _lastSiteEntry = id.Lsn;
        _statusVersion++;
        return id;
    }

    public Ready TakeReady()
    {
        var ready = _site.HasReady ? _site.TakeReady() : new Ready();
        var own = _own;
        _own = new Ready();
        ready.LogReads.AddRange(own.LogReads);
        ready.Incoming.AddRange(own.Incoming);
        ready.Messages.AddRange(own.Messages);
        ready.Notices.AddRange(own.Notices);
        for (var i = 0; i < ready.Notices.Count; i++)
        {
            if (ready.Notices[i] is PeersChanged peers)
            {
                ready.Notices[i] = new PeersChanged(WithRemoteNodes(peers.PeerAddresses));
            }
        }
        return ready;
    }

    private Dictionary<NodeId, string> WithRemoteNodes(IReadOnlyDictionary<NodeId, string> siteAddresses)
    {
        var all = new Dictionary<NodeId, string>(siteAddresses);
        foreach (var (node, address) in _options.RemoteAddresses)
        {
            all[node] = address;
        }
        return all;
    }

    public void OnAppended(Lsn lsn, bool synced)
    {
        _site.OnAppended(lsn, synced);
        Pump();
    }

    public void OnFlushed(Lsn lsn)
    {
        _site.OnFlushed(lsn);
        Pump();
    }

    public void OnTruncated(Lsn keepThrough, ConfigEntry? config) => _site.OnTruncated(keepThrough, config);

    public void OnLogRead(LogReadRequest request, IReadOnlyList<LogEntry> entries)
    {
        if (ReferenceEquals(request, _scan))
        {
            ContinueScan(entries);
            return;
        }
        _site.OnLogRead(request, entries);
    }

    public void OnPeerConnected(NodeId peer)
    {
        if (_options.Sites[Site].Contains(peer))
        {
            _site.OnPeerConnected(peer);
            return;
        }
        foreach (var link in _links.Values.Where(l => l.Leader == peer))
        {
            link.InFlight = false; // what was in flight on the old stream may be lost
        }
    }

    public void OnSnapshotTaken(NodeId requester, LogPosition position) => _site.OnSnapshotTaken(requester, position);

    /// <summary>Retention keeps what other sites may still need, and the last change (whose frontier a new site leader resumes from).</summary>
    public void ConsiderRetention(RetentionOptions options, LogStats stats)
    {
        var keepFrom = _lastSiteEntry == Lsn.Zero ? _site.History.Last.Lsn.Next : _lastSiteEntry;
        if (_outbox.First is { } first && first < keepFrom)
        {
            keepFrom = first;
        }
        _site.ConsiderRetention(options, stats, keepFrom);
    }

    public int ReplicasHolding(Lsn lsn) => _site.ReplicasHolding(lsn);

    public NodeStatus Describe() => _site.Describe() with { Sites = DescribeSites() };

    public int StatusFingerprint => HashCode.Combine(_site.StatusFingerprint, _loaded, _statusVersion);
}
