using Chorus.Core;
using Chorus.Core.Versions;

namespace Chorus.Replication.MultiLeader;

/// <summary>
/// This site leader's outbound link to one other site: whom it sends to, what the other site has
/// confirmed, and one message in flight at a time (stop-and-wait with a cumulative answer: the
/// peer's frontier says what it has, so a lost message or answer only costs a resend).
/// </summary>
internal sealed class SiteLink(NodeId site, IReadOnlyList<NodeId> nodes)
{
    private int _nextCandidate;

    public NodeId Site { get; } = site;

    /// <summary>The node believed to lead the other site (null: unknown, try its nodes in turn).</summary>
    public NodeId? Leader { get; set; }

    /// <summary>The last node of that site that shipped its changes here (a site leader ships): where a write homed there is routed while <see cref="Leader"/> is unknown.</summary>
    public NodeId? Shipper { get; set; }

    /// <summary>Where a write homed at that site goes (see <see cref="ISiteRouter.RouteTo"/>).</summary>
    public NodeId RouteTarget => Leader ?? Shipper ?? nodes[0];

    /// <summary>Every change the other site has taken in (its last answer): what not to send again.</summary>
    public VersionVector Frontier { get; set; } = VersionVector.Empty;

    /// <summary>Every change the other site has committed (its last answer): what this site may forget.</summary>
    public VersionVector Committed { get; set; } = VersionVector.Empty;

    /// <summary>Cut by an operator (CHORUS.LINK CUT): nothing is sent until it is healed.</summary>
    public bool IsCut { get; set; }

    public bool InFlight { get; set; }

    public long SentAtMs { get; set; } = long.MinValue / 2;

    public long LastHeardAtMs { get; set; } = -1;

    /// <summary>When any message from that site last arrived (a shipment or an answer); -1: never.</summary>
    public long LastInboundAtMs { get; set; } = -1;

    /// <summary>When the oldest change the peer lacks was first offered to it (for lag in ms); -1 when it lacks none.</summary>
    public long BehindSinceMs { get; set; } = -1;

    /// <summary>Changes the peer lacks, as of the last send.</summary>
    public ulong LagEntries { get; set; }

    public long ChangesSent { get; set; }

    public long BytesSent { get; set; }

    /// <summary>Where the next message goes: the known leader, or the next node of that site in turn.</summary>
    public NodeId Target()
    {
        if (Leader is { } leader)
        {
            return leader;
        }
        var node = nodes[_nextCandidate % nodes.Count];
        _nextCandidate++;
        return node;
    }

    /// <summary>No answer in time: whoever we thought led may not; ask around.</summary>
    public void TimedOut()
    {
        InFlight = false;
        Leader = null;
    }
}
