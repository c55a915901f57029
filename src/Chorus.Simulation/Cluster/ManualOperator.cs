using Chorus.Replication.Election;
using Chorus.Simulation.Engine;
using Chorus.Simulation.Nodes;

namespace Chorus.Simulation.Cluster;

/// <summary>
/// The operator of a cluster in manual failover mode. Followers never stand for election there,
/// and the preferred leader can only win with a log at least as up to date as a majority's — so
/// after it lost power (and the unsynced end of its log) nobody leads until someone acts. The
/// operator watches the cluster; when no node has led for <see cref="LeaderlessUs"/>, it runs
/// CHORUS.ELECT on the running node with the most up-to-date log, as `chorus status` shows it.
/// </summary>
internal sealed class ManualOperator(SimCluster cluster, Scheduler scheduler, TraceLog trace)
{
    public const long CheckIntervalUs = 250_000;
    public const long LeaderlessUs = 3_000_000;

    private long _leaderSeenUs;

    /// <summary>Elections the operator started.</summary>
    public int Elections { get; private set; }

    public void Watch(FailoverMode failover, long untilUs)
    {
        if (failover != FailoverMode.Manual)
        {
            return;
        }
        for (var atUs = CheckIntervalUs; atUs < untilUs; atUs += CheckIntervalUs)
        {
            scheduler.At(atUs, Check);
        }
    }

    private void Check()
    {
        if (cluster.CurrentLeader is not null)
        {
            _leaderSeenUs = scheduler.NowUs;
            return;
        }
        if (scheduler.NowUs - _leaderSeenUs < LeaderlessUs)
        {
            return;
        }
        var candidate = cluster.Nodes
            .Where(n => n.State == NodeState.Up && n.Driver is not null)
            .OrderByDescending(n => n.Driver!.Status.Last)
            .ThenBy(n => n.Id.Value, StringComparer.Ordinal)
            .FirstOrDefault();
        if (candidate is null)
        {
            return;
        }
        Elections++;
        _leaderSeenUs = scheduler.NowUs;
        if (trace.Enabled)
        {
            trace.Add(scheduler.NowUs, "***", $"operator: no leader for {LeaderlessUs / 1000} ms; CHORUS.ELECT on {candidate.Id} (log ends at {candidate.Driver!.Status.Last})");
        }
        candidate.Elect();
    }
}
