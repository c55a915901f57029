using Chorus.Core;
using Chorus.Replication.Election;

namespace Chorus.Replication.SingleLeader;

/// <summary>
/// The leader's check-quorum lease (etcd raft's CheckQuorum): unless it has heard from a majority
/// of voters within an election timeout, another leader may already have been elected, so it
/// stops leading rather than risk a split brain.
/// <para>
/// The timeout counts time this node was running, not time it was stalled: a loop round that
/// started long after the previous one (a starved CPU, a long GC, thousands of client writes in
/// one round) could not have heard anyone meanwhile, and stepping down for that churns leadership
/// on a busy but healthy cluster. The stall is forgiven at most once per lease: a voter counts
/// only if it was also heard within two election timeouts of wall time, so a partitioned leader
/// that keeps stalling still steps down.
/// </para>
/// <para>
/// A voter heard since the previous tick counts whatever the wall time: it answered during the
/// leader's last round, however long that round was. Back-to-back 31 MiB writes make every round
/// of the leader seconds long; its host repeats its heartbeats meanwhile and the followers answer,
/// but the answers are handled in the next long round, so by wall time they were always older
/// than two election timeouts and the leader stepped down from a healthy cluster (issue 17). A
/// partitioned leader hears nobody in any round, so this changes nothing for it: it steps down at
/// most one round later than it would have.
/// </para>
/// </summary>
internal sealed class CheckQuorumLease(ReplicationOptions options)
{
    private readonly Dictionary<NodeId, long> _heardRunningMs = [];
    private long _lastTickMs = -1;
    private long _previousTickMs = -1;
    private long _stalledMs;
    private long _leadingSinceRunningMs;

    /// <summary>A tick at <paramref name="nowMs"/>: time beyond a heartbeat interval since the last one was a stall.</summary>
    public void OnTick(long nowMs)
    {
        if (_lastTickMs >= 0 && nowMs - _lastTickMs > options.HeartbeatIntervalMs)
        {
            _stalledMs += nowMs - _lastTickMs - options.HeartbeatIntervalMs;
        }
        if (nowMs > _lastTickMs)
        {
            _previousTickMs = _lastTickMs;
            _lastTickMs = nowMs;
        }
    }

    /// <summary>This node became leader: the lease starts now.</summary>
    public void Begin(long nowMs)
    {
        _heardRunningMs.Clear();
        _leadingSinceRunningMs = RunningMs(nowMs);
    }

    public void Heard(NodeId voter, long nowMs) => _heardRunningMs[voter] = RunningMs(nowMs);

    /// <summary>Why the lease ran out, or null while it holds. <paramref name="followers"/>: each voting follower and when it was last heard from (wall time).</summary>
    public LostQuorum? Check(NodeId self, int voterCount, IEnumerable<(NodeId Id, long LastHeardAtMs)> followers, long nowMs)
    {
        var timeout = options.ElectionTimeoutMs;
        var running = RunningMs(nowMs);
        if (running - _leadingSinceRunningMs < timeout)
        {
            return null;
        }
        var heard = 1 + followers.Count(f =>
            _heardRunningMs.TryGetValue(f.Id, out var at) && running - at < timeout
            && f.LastHeardAtMs >= 0 && (nowMs - f.LastHeardAtMs < 2L * timeout || HeardSincePreviousTick(f.LastHeardAtMs)));
        return heard < VoteRules.Majority(voterCount) ? new LostQuorum(self, heard, voterCount, timeout) : null;
    }

    private long RunningMs(long nowMs) => nowMs - _stalledMs;

    /// <summary>Whether something heard at <paramref name="heardAtMs"/> was heard in the leader's last round (or since), however long that round was.</summary>
    public bool HeardSincePreviousTick(long heardAtMs) => _previousTickMs >= 0 && heardAtMs >= _previousTickMs;
}
