using Chorus.Core;
using Chorus.Core.Log;
using Chorus.Core.Messaging;
using Chorus.Core.Sites;
using Chorus.Core.Versions;

namespace Chorus.Replication.MultiLeader;

/// <summary>The links between sites: leadership changes, loading the outbox, shipping, receiving, acknowledging.</summary>
public sealed partial class MultiLeaderCore
{
    /// <summary>Bytes of log read per step while a new site leader loads its changes.</summary>
    private const long ScanBytesMax = 4 << 20;

    /// <summary>A new site leader loads its site's changes from the log before it ships or takes writes; a node that stops leading forgets its links' state.</summary>
    private void FollowLeadership()
    {
        var leading = _site.Role == NodeRole.Leader;
        if (leading == _leading)
        {
            return;
        }
        _leading = leading;
        _heardSince.Clear();
        Reload();
    }

    /// <summary>
    /// Forgets what is in flight and, as site leader, loads the site's changes from its log again.
    /// Also done when the topology or the failed sites change: a change trimmed from the outbox
    /// because the old routes had delivered it may be needed on a new route, and the log still
    /// holds it (within retention).
    /// </summary>
    private void Reload()
    {
        _loaded = false;
        _routesSinceMs = NowMs;
        _outbox.Clear();
        _inbox.Clear();
        _resolving.Clear();
        _handovers.Clear();
        _draining.Clear();
        _own.Incoming.Clear();
        foreach (var link in _links.Values)
        {
            link.InFlight = false;
        }
        _statusVersion++;
        if (_leading)
        {
            _delivered = VersionVector.Empty;
            _committed = VersionVector.Empty;
            PersistSettings();
            RequestScan(_site.History.Base.Lsn.Next);
        }
    }

    private void RequestScan(Lsn from)
    {
        _scan = new LogReadRequest(Self, from, ScanBytesMax);
        _own.LogReads.Add(_scan);
    }

    private void ContinueScan(IReadOnlyList<LogEntry> entries)
    {
        _scan = null;
        if (!_leading)
        {
            return;
        }
        foreach (var entry in entries.Where(e => e.Kind == PayloadKind.MultiLeader))
        {
            var site = SiteEntry.Decode(entry.Payload);
            _outbox.Add(entry.Lsn, new SiteChange(site.Header, site.Change.Ops.ToArray()), site.Frontier);
            _delivered = _delivered.Merge(site.Frontier);
            _lastSiteEntry = entry.Lsn;
        }
        if (entries.Count > 0 && entries[^1].Lsn < _site.History.Last.Lsn)
        {
            RequestScan(entries[^1].Lsn.Next);
            return;
        }
        _loaded = true;
        _statusVersion++;
        _own.Notices.Add(new LogNotice($"site {Site}: {Self} leads it; {_outbox.Count} changes in the log, frontier {_delivered}"));
        Pump();
    }

    /// <summary>Sends each link what its site lacks (committed changes the topology routes to it), or a heartbeat when idle.</summary>
    private void Pump()
    {
        if (!_leading || !_loaded)
        {
            return;
        }
        var acked = _site.AckedLsn;
        if (_outbox.FrontierThrough(acked) is { } frontier)
        {
            _committed = _committed.Merge(frontier);
        }
        var targets = SiteRoutes.Targets(Settings.Topology, Site, _options.SiteIds, Settings.FailedSites);
        foreach (var target in targets)
        {
            Ship(_links[target], acked);
        }
        _outbox.TrimWhile(change => targets.All(t => !SiteRoutes.Carries(Settings.Topology, Site, t, change) || _links[t].Committed.Contains(change.Dot)));
        ProbeStandIn(targets);
        HandOverHomes(targets);
    }

    private void Ship(SiteLink link, Lsn acked)
    {
        // Measured whatever the link's state: a cut or silent link is exactly when its lag matters.
        var lacking = _outbox.Committed(acked, change => SiteRoutes.Carries(Settings.Topology, Site, link.Site, change) && !link.Frontier.Contains(change.Dot));
        var batch = new List<SiteChange>();
        ulong missing = 0;
        foreach (var (_, change) in lacking)
        {
            missing++;
            if (batch.Count < _options.ShipChangesMax)
            {
                batch.Add(change);
            }
        }
        link.LagEntries = missing;
        link.BehindSinceMs = missing == 0 ? -1 : link.BehindSinceMs < 0 ? NowMs : link.BehindSinceMs;
        if (link.IsCut)
        {
            return;
        }
        if (link.InFlight)
        {
            if (NowMs - link.SentAtMs < _options.LinkRetryMs)
            {
                return;
            }
            link.TimedOut();
        }
        if (batch.Count == 0 && NowMs - link.SentAtMs < _options.LinkHeartbeatMs)
        {
            return;
        }
        var bytes = SiteMessageCodec.Encode(new ShipChanges(Site, batch, Settings));
        _own.Messages.Add(new Envelope(Self, link.Target(), MessageFamily.MultiLeader, bytes));
        link.InFlight = true;
        link.SentAtMs = NowMs;
        link.ChangesSent += batch.Count;
        link.BytesSent += bytes.Length;
    }

    private void Receive(NodeId from, ShipChanges ship)
    {
        if (!_leading)
        {
            Reply(from, new ShipAck(Site, false, VersionVector.Empty, VersionVector.Empty, _site.Leader));
            return;
        }
        if (!_loaded)
        {
            return; // the sender tries again once this leader knows what its site has
        }
        if (_links.TryGetValue(ship.FromSite, out var link) && _options.Sites[link.Site].Contains(from))
        {
            link.Shipper = from;
        }
        foreach (var change in ship.Changes)
        {
            _clock.Observe(change.Header.Timestamp);
            _inbox.Offer(change, _delivered);
        }
        Deliver();
        Reply(from, new ShipAck(Site, true, _delivered, _committed, Self, Settings));
    }

    /// <summary>Hands the host every change that may be delivered now, in order, for it to resolve against its data.</summary>
    private void Deliver()
    {
        while (_inbox.TakeDeliverable(_delivered) is { } change)
        {
            var header = change.Header;
            _delivered = _delivered.With(header.Origin, header.Seq);
            ChangesDelivered++;
            _resolving.Enqueue((header.Dot, _delivered));
            _own.Incoming.Add(new IncomingChange(change, new WriteStamp(Site, header.Timestamp, Settings)));
            OnDelivered?.Invoke(Site, change);
        }
    }

    private void Acknowledged(NodeId from, ShipAck ack)
    {
        if (!_links.TryGetValue(ack.FromSite, out var link))
        {
            return;
        }
        link.InFlight = false;
        link.LastHeardAtMs = NowMs;
        if (ack.IsLeader)
        {
            link.Leader = from;
            link.Frontier = ack.Frontier;
            link.Committed = link.Committed.Merge(ack.Committed);
        }
        else
        {
            link.Leader = ack.Leader is { } leader && _options.Sites[link.Site].Contains(leader) ? leader : null;
            link.SentAtMs = long.MinValue / 2; // ask the named leader (or the next node) at once
        }
        Pump();
    }

    /// <summary>
    /// Notes a message from <paramref name="link"/>'s site; true when what is in flight to it should
    /// go again now. A message sent while that site had been silent for a while (its end of the
    /// link cut, or the network between the sites down) most likely went nowhere: rather than keep
    /// the other site on its old view until the link's retry (<see cref="MultiLeaderOptions.LinkRetryMs"/>),
    /// it is sent again as soon as the site is heard from again. In steady state a linked site is
    /// heard from at least every heartbeat, so this never fires then; a needless resend costs one
    /// duplicate batch, which the receiver drops (its frontier holds it).
    /// </summary>
    private bool HeardFrom(SiteLink link)
    {
        var silentSinceMs = link.LastInboundAtMs;
        link.LastInboundAtMs = NowMs;
        if (!_options.ResendWhenHeardFrom || !link.InFlight || link.SentAtMs <= silentSinceMs || NowMs - silentSinceMs < SilenceMs)
        {
            return false;
        }
        link.InFlight = false;
        ResendsAfterSilence++;
        return true;
    }

    /// <summary>A linked site not heard from for this long was cut off (two heartbeats: one late heartbeat is not a silence).</summary>
    private long SilenceMs => 2 * _options.LinkHeartbeatMs;

    /// <summary>
    /// Tells <paramref name="link"/>'s site, as soon as this end of the link heals, what this site
    /// has (an answer carrying the frontier, asked or not): a site that sent into the link while it
    /// was still cut here sends again at once instead of after its retry — whatever the topology,
    /// even where that site hears nothing else from this one (a ring's or a star's one-way links).
    /// </summary>
    private void AnnounceHealed(SiteLink link)
    {
        if (!_options.ResendWhenHeardFrom || !_leading || !_loaded)
        {
            return;
        }
        // To every node of that site: this one may never have learned who leads there (a ring's
        // site that only receives from it), and a node that does not lead sends nothing on it.
        foreach (var node in _options.Sites[link.Site])
        {
            Reply(node, new ShipAck(Site, true, _delivered, _committed, Self, Settings));
        }
    }

    private void Reply(NodeId to, SiteMessage message) =>
        _own.Messages.Add(new Envelope(Self, to, MessageFamily.MultiLeader, SiteMessageCodec.Encode(message)));
}
