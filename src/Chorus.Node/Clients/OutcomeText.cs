using Chorus.Replication;
using Chorus.Replication.Quorum;

namespace Chorus.Node;

/// <summary>
/// The RESP edge of the node shell: the Redis error a client gets for each outcome the cores and
/// the shell report as values. Redis's wording where Redis has one (READONLY, NOREPLICAS,
/// TRYAGAIN, MASTERDOWN, MOVED); clients and the simulator recognise "in doubt" by its wording.
/// </summary>
public static class OutcomeText
{
    public const string ReadOnlyReplica = "READONLY You can't write against a read only replica.";

    public static string Error(ProposalOutcome outcome) => outcome switch
    {
        NotLeader n => $"READONLY You can't write against a read only replica (the leader is {n.Leader}).",
        NoLeader { LastStepDown: { } reason } => $"TRYAGAIN no leader: {reason.Describe()}",
        NoLeader => "TRYAGAIN no leader is known yet (an election may be under way); retry",
        NoReplicas => "NOREPLICAS Not enough good replicas to write.",
        NotConfirmed n => $"NOREPLICAS Not enough good replicas to write: not confirmed by {n.FollowersRequired} follower(s) ({n.Policy.ModeText}, {AckPolicy.LevelText(n.Policy.Level)}) within {n.Policy.TimeoutMs} ms. The write is applied on the leader and may still replicate, or be lost in a failover.",
        LeadershipLost n => LeadershipLost(n),
        NodeStopping n => "TRYAGAIN the node is stopping; " + (n.MayHaveApplied ? "the write's outcome is unknown" : "the write was not applied"),
        LeaderUnreachable n => $"MASTERDOWN Link with the leader {n.Leader} is down; the write was not applied, retry later",
        ForwardTimedOut n => $"TRYAGAIN the leader {n.Leader} did not answer the forwarded write in time; the write may or may not have been applied; retry",
        HomeUnreachable { Reason: { } reason } n => $"TRYAGAIN the key's home site {n.Home} could not take the write ({reason}); the write was not applied, retry later",
        HomeUnreachable { Leader: null } n => $"TRYAGAIN the key's home site {n.Home} is unreachable (the link with it is cut); the write was not applied, retry later",
        HomeUnreachable n => $"TRYAGAIN the key's home site {n.Home} is unreachable (no connection to {n.Leader}); the write was not applied, retry later",
        HomeTimedOut n => $"TRYAGAIN the key's home site {n.Home} ({n.Leader}) did not answer the routed write in time; the write may or may not have been applied; retry",
        ReplicaRefuses { Redirect: true, LeaderClientEndpoint: { Length: > 0 } endpoint } => $"MOVED 0 {endpoint}",
        ReplicaRefuses { Redirect: true } => "TRYAGAIN no leader is known yet; retry",
        ReplicaRefuses => ReadOnlyReplica,
        QuorumNotReached { IsWrite: true } q => $"NOREPLICAS Not enough good replicas to write: {q.Replied} of the {q.Required} acknowledgements needed (W={q.Required}, {q.Asked} replicas asked) within {q.WaitedMs} ms. The write may be stored on the replicas that acknowledged it.",
        QuorumNotReached q => $"NOREPLICAS Not enough replicas answered the read: {q.Replied} of the {q.Required} needed (R={q.Required}, {q.Asked} replicas asked) within {q.WaitedMs} ms",
        NoCoordinator n => $"TRYAGAIN none of the key's home replicas ({string.Join(", ", n.Homes)}) is reachable to coordinate the write; the write was not applied",
        CoordinatorTimedOut n => $"TRYAGAIN the coordinator {n.Coordinator} did not answer within {n.WaitedMs} ms; the write may or may not have been applied",
        RequestRefused n => $"ERR {n.Reason}",
        Committed or Answered => throw new ArgumentException("a successful outcome is not an error", nameof(outcome)),
        _ => $"ERR {outcome}",
    };

    private static string LeadershipLost(LeadershipLost lost)
    {
        var outcome = lost.MayHaveApplied ? "the write may or may not have been applied" : "the write was not applied";
        return lost.NewLeader is { } leader
            ? $"TRYAGAIN leadership moved to {leader} (epoch {lost.Epoch}); {outcome}; retry"
            : $"TRYAGAIN this node stopped leading ({(lost.Reason ?? NewerEpoch.Instance).Describe()}); {outcome}; retry";
    }
}
