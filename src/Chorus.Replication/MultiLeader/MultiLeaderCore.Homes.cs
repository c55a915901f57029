using Chorus.Core;
using Chorus.Core.Messaging;
using Chorus.Core.Sites;
using Chorus.Core.Versions;

namespace Chorus.Replication.MultiLeader;

/// <summary>
/// Home sites across failures (docs/multi-leader.md, "Home sites"): a returning site gets its keys
/// back only once it has what its successor wrote to them, and a site leader takes writes to keys
/// homed at its site only once it has heard the shared settings from the site that would hold
/// them in its place.
/// </summary>
public sealed partial class MultiLeaderCore
{
    /// <summary>Per returning site whose keys this site holds: what this site had when it saw the site returning (the handover's frontier, less this site's own changes, which are read when checked).</summary>
    private readonly Dictionary<NodeId, VersionVector> _handovers = [];

    /// <summary>Per returning site in the handover's second phase: this site's own last change when it stopped taking writes to that site's keys.</summary>
    private readonly Dictionary<NodeId, ulong> _draining = [];

    /// <summary>Returning sites whose keys this site leader holds but no longer takes writes to: they move back to them in a moment (see <see cref="HandOverHomes"/>).</summary>
    public IReadOnlyCollection<NodeId> HomesMovingBack => _draining.Keys;

    /// <summary>Sites whose leader this node has heard from (with their settings) since it began leading its site.</summary>
    private readonly HashSet<NodeId> _heardSince = [];

    /// <summary>Home handovers this node completed (a returning site took its keys back).</summary>
    public long HandoversCompleted { get; private set; }

    /// <summary>
    /// Whether this site leader may make writes to keys homed at its site. A site that was down,
    /// or whose leadership just moved, may hold old settings: it may have been declared failed
    /// meanwhile, and its successor may be writing its keys. So it first hears from that site (the
    /// one that would hold its homes if it were failed) — asking it directly, whatever the
    /// topology — and adopts its settings if they are newer. False while it has not.
    /// </summary>
    public bool HomesConfirmed => _leading && (StandIn() is not { } standIn || _heardSince.Contains(standIn));

    /// <summary>The site that holds this site's homes while this site is failed or returning: its successor with this site left out.</summary>
    private NodeId? StandIn()
    {
        var standIn = SiteSettings.NextAvailable(Site, SiteIds, [.. Settings.NotHoming, Site]);
        return standIn == Site ? null : standIn;
    }

    private void HeardSettingsFrom(NodeId site)
    {
        if (_leading && _heardSince.Add(site))
        {
            _statusVersion++;
        }
    }

    /// <summary>
    /// The second step of a recovery (the first, <see cref="SiteSettings.Recovering"/>, put the site
    /// back on the routes): for each returning site whose keys this site holds, hands them back —
    /// a settings change made here, <see cref="SiteSettings.Returned"/> — in two phases, so that the
    /// returning site never takes a write to a key before it has the successor's earlier writes:
    /// <list type="number">
    /// <item>catching up: wait until that site has committed every change this site had when it
    /// saw it returning (a fixed frontier, so a busy site does not chase its own new writes);</item>
    /// <item>draining: stop taking writes to its keys (<see cref="HomesMovingBack"/>: refused, to be
    /// tried again) and wait until it has committed this site's own changes up to that moment —
    /// one round trip — then hand over. From then on this site routes those writes to it.</item>
    /// </list>
    /// Where the topology does not link this site to the returning one, it asks it for its frontier
    /// directly (an empty shipment, every heartbeat).
    /// </summary>
    private void HandOverHomes(IReadOnlyList<NodeId> targets)
    {
        foreach (var site in _handovers.Keys.Where(s => !Settings.IsReturning(s)).ToList())
        {
            _handovers.Remove(site);
            _draining.Remove(site);
        }
        foreach (var returning in Settings.ReturningSites)
        {
            if (!_links.TryGetValue(returning, out var link) || Settings.HomeSuccessor(returning, SiteIds) != Site)
            {
                continue;
            }
            if (!_handovers.TryGetValue(returning, out var had))
            {
                _handovers[returning] = had = _delivered;
            }
            if (!_draining.ContainsKey(returning) && link.Committed.Dominates(had))
            {
                _draining[returning] = _delivered[Site];
                _statusVersion++;
            }
            if (_draining.TryGetValue(returning, out var ownSeq) && link.Committed[Site] >= ownSeq)
            {
                HandOver(returning);
                return; // the settings changed: the next pump looks at the others
            }
            if (!targets.Contains(returning))
            {
                Probe(link);
            }
        }
    }

    private void HandOver(NodeId returning)
    {
        _handovers.Remove(returning);
        _draining.Remove(returning);
        HandoversCompleted++;
        _own.Notices.Add(new LogNotice($"site {Site}: {returning} has every change this site had for its keys ({_delivered}); its homes move back to it"));
        Adopt(Settings.Returned(returning).Stamped(_clock.Now(NowMs), Site));
    }

    /// <summary>While this leader has not heard from its stand-in, asks it (see <see cref="HomesConfirmed"/>).</summary>
    private void ProbeStandIn(IReadOnlyList<NodeId> targets)
    {
        if (Settings.Homes.Count > 0 && StandIn() is { } standIn && !_heardSince.Contains(standIn) && !targets.Contains(standIn) && _links.TryGetValue(standIn, out var link))
        {
            Probe(link);
        }
    }

    /// <summary>
    /// An empty shipment to a site this one does not send to in the current topology, every
    /// heartbeat: its leader answers with its frontier, what it committed and its settings.
    /// </summary>
    private void Probe(SiteLink link)
    {
        if (link.IsCut || NowMs - link.SentAtMs < _options.LinkHeartbeatMs)
        {
            return;
        }
        var bytes = SiteMessageCodec.Encode(new ShipChanges(Site, [], Settings));
        _own.Messages.Add(new Envelope(Self, link.Target(), MessageFamily.MultiLeader, bytes));
        link.SentAtMs = NowMs;
        link.BytesSent += bytes.Length;
    }
}
