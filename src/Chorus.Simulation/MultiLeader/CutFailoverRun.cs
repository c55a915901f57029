using Chorus.Core;
using Chorus.Core.Sites;
using Chorus.Replication.MultiLeader;
using Chorus.Simulation.Engine;
using Chorus.Simulation.Nodes;

namespace Chorus.Simulation.MultiLeader;

/// <summary>
/// An operator's cut that must survive a leadership change inside the cutting site (see
/// <see cref="SiteSimConfig.CutAcrossFailover"/>): s1's leader cuts its links with every other
/// site, s1's leadership then moves to another of its nodes (FAILOVER TO), and the cut must hold at
/// the new leader — no change made at s1 reaches another site until s1 heals the links again, at
/// whichever node leads it then.
/// </summary>
internal sealed class CutFailoverRun(Scheduler scheduler, Func<Dictionary<NodeId, List<SimNode>>> sites)
{
    private static readonly NodeId Cutter = new("s1");

    /// <summary>Changes already on the way when the cut is made may still land for this long after it.</summary>
    private const long InFlightUs = 300_000;

    private long _cutUs = -1;
    private long _healUs = -1;
    private NodeId? _leaderBefore;
    private NodeId? _leaderAfter;
    private readonly List<string> _leaks = [];
    private int _madeWhileCut;

    public void Schedule(long atMs, long forMs, Action<NodeId, bool> setLinksCut)
    {
        scheduler.At(atMs * 1000, () =>
        {
            _leaderBefore = LeaderOf(Cutter)?.Id;
            setLinksCut(Cutter, true);
            _cutUs = scheduler.NowUs;
        });
        scheduler.At(atMs * 1000 + forMs * 500, MoveLeadership);
        scheduler.At((atMs + forMs) * 1000, () =>
        {
            _leaderAfter = LeaderOf(Cutter)?.Id;
            setLinksCut(Cutter, false);
            _healUs = scheduler.NowUs;
        });
    }

    /// <summary>FAILOVER TO another node of the cutting site, tried again until one takes over.</summary>
    private void MoveLeadership()
    {
        if (LeaderOf(Cutter) is { } leader && leader.Id == _leaderBefore)
        {
            var target = sites()[Cutter].First(n => n.Id != leader.Id).Id;
            ((MultiLeaderCore)leader.Driver!.Core).SiteCore.TransferLeadership(target, timeoutMs: 2_000);
            scheduler.After(500_000, MoveLeadership);
        }
    }

    private SimNode? LeaderOf(NodeId site) => sites()[site].FirstOrDefault(n => n.IsLeader);

    /// <summary>A node of <paramref name="site"/> delivered <paramref name="change"/>: while s1's links are cut, none of s1's changes may arrive.</summary>
    public void Delivered(NodeId site, SiteChange change)
    {
        var cutSinceUs = _cutUs + InFlightUs;
        if (_cutUs >= 0 && scheduler.NowUs >= cutSinceUs && (_healUs < 0 || scheduler.NowUs < _healUs) && change.Header.Origin == Cutter && site != Cutter)
        {
            _leaks.Add($"{site} received {change.Header.Dot} at {scheduler.NowUs / 1000} ms although {Cutter}'s links were cut");
        }
    }

    /// <summary>A version made (for a client write) at <paramref name="site"/>: counts those s1 made while cut (the cut must hold something back).</summary>
    public void Versioned(NodeId site)
    {
        _madeWhileCut += site == Cutter && _cutUs >= 0 && _healUs < 0 ? 1 : 0;
    }

    public void Check(SiteRunResult result)
    {
        if (_cutUs < 0)
        {
            return;
        }
        result.LinkCutLeaks.AddRange(_leaks);
        result.WritesWhileCut = _madeWhileCut;
        result.CutHeldAcross = _leaderBefore is { } before && _leaderAfter is { } after && before != after ? $"{before} → {after}" : null;
    }
}
