using Chorus.Core;
using Chorus.Replication.Messages;

namespace Chorus.Replication.SingleLeader;

/// <summary>
/// A follower's request for a fresh round trip, for bounded-staleness reads it cannot serve yet.
/// Left to heartbeats, an idle follower is current as of a stamp one to two heartbeat intervals
/// old (<see cref="Freshness"/>), so a bound below that waited for nothing. Asked, the leader
/// answers with an immediate heartbeat echoing the stamp sent here: once it comes back the
/// follower is current as of the moment it asked, a round trip ago. One request is outstanding
/// at a time, shared by every read waiting; a request lost in the network is asked again after a
/// heartbeat interval (by then a plain heartbeat has come, and an ask is due anyway).
/// </summary>
internal sealed class FreshnessProbe(IFollowerHost core)
{
    /// <summary>The stamp of the outstanding request (−1: none).</summary>
    private long _askedStampMs = -1;

    private NodeId? _askedLeader;

    /// <summary>Requests sent so far (a read shares the outstanding one, so this counts round trips, not reads).</summary>
    public long Sent { get; private set; }

    /// <summary>A read waits for this node to be current: ask the leader for an echo now, unless a request is on its way.</summary>
    public void Request()
    {
        if (core.Leader is not { } leader)
        {
            return; // no leader to ask; the read waits (or times out) as before
        }
        var nowMs = core.Elapsed.NowMs;
        if (_askedStampMs >= 0 && _askedLeader == leader && nowMs - _askedStampMs < core.Options.HeartbeatIntervalMs)
        {
            return; // shared: its echo serves every read waiting now
        }
        _askedStampMs = nowMs;
        _askedLeader = leader;
        Sent++;
        core.Send(new FreshnessRequest(core.Self, leader, core.Epoch, nowMs));
    }

    /// <summary>The leader echoed <paramref name="stampMs"/>: a request stamped at or before it is answered.</summary>
    public void OnEcho(long stampMs)
    {
        if (_askedStampMs >= 0 && stampMs >= _askedStampMs)
        {
            _askedStampMs = -1;
        }
    }

    /// <summary>Another leader (or none): a request to the old one will not be answered.</summary>
    public void Forget() => _askedStampMs = -1;
}
