using Chorus.Core;

namespace Chorus.Replication.SingleLeader;

/// <summary>
/// The single-leader core's role state and its transitions (after etcd raft's becomeFollower /
/// becomeCandidate / becomeLeader): the epoch, the vote, the role and the leader live here and
/// change only here. A new epoch and vote are persisted before anything that depends on them
/// leaves; a leader that steps down completes every waiting proposal as "may or may not have
/// been applied" and records why it stopped, for the writes and operators that ask.
/// </summary>
internal sealed class RoleChanges(ITransitionHost host, ElectionDriver elections, FollowerRole follower, Epoch epoch, NodeId? votedFor)
{
    public NodeRole Role { get; private set; } = NodeRole.Follower;

    /// <summary>The leader of the current epoch, once known (this node, when it leads).</summary>
    public NodeId? Leader { get; private set; }

    public Epoch Epoch { get; private set; } = epoch;

    /// <summary>Whom this node voted for in <see cref="Epoch"/>.</summary>
    public NodeId? VotedFor { get; private set; } = votedFor;

    /// <summary>Elections this node started (real ones, after a successful pre-vote).</summary>
    public long ElectionsStarted { get; private set; }

    /// <summary>Times this node became leader.</summary>
    public long TimesElected { get; private set; }

    /// <summary>Why this node last stopped leading, while no leader is known since.</summary>
    public StepDownReason? LastStepDownReason { get; private set; }

    /// <summary>Records a vote; it is persisted before the answer leaves.</summary>
    public void VoteFor(NodeId candidate)
    {
        VotedFor = candidate;
        host.Persist(new HardState(Epoch, VotedFor));
    }

    /// <summary>Asking for pre-votes: a candidate in the same epoch (nothing is persisted).</summary>
    public void EnterCandidacy() => Role = NodeRole.Candidate;

    /// <summary>A new epoch in which this node votes for itself (a real election).</summary>
    public void StartEpochAsCandidate()
    {
        Epoch = Epoch.Next;
        VotedFor = host.Self;
        Leader = null;
        Role = NodeRole.Candidate;
        ElectionsStarted++;
        host.Notice($"{host.Self} stands for election in epoch {Epoch} with its log ending at {host.LastPosition}");
        host.Persist(new HardState(Epoch, VotedFor));
    }

    /// <summary>This node won: it leads its epoch (the caller starts the leader role).</summary>
    public void BecomeLeader()
    {
        Invariant.That(VotedFor == host.Self || host.VoterCount == 1, "a leader voted for itself in its epoch");
        Role = NodeRole.Leader;
        Leader = host.Self;
        TimesElected++;
        host.Notice($"{host.Self} elected leader of epoch {Epoch}; its log ends at {host.LastPosition}");
        elections.Stop();
        LastStepDownReason = null;
    }

    /// <summary>Becomes (or stays) a follower in <paramref name="epoch"/>; a leader steps down (for <paramref name="reason"/>, else a newer epoch).</summary>
    public void BecomeFollower(Epoch epoch, NodeId? leader, LeaderRole? wasLeading, StepDownReason? reason)
    {
        if (epoch > Epoch)
        {
            Epoch = epoch;
            VotedFor = null;
            host.Persist(new HardState(Epoch, null));
        }
        if (wasLeading is not null)
        {
            StopLeading(wasLeading, leader, reason ?? NewerEpoch.Instance);
        }
        if (leader != Leader)
        {
            follower.Reads.LeaderChanged(leader);
        }
        if (leader is not null && leader != Leader)
        {
            host.Notice($"following {leader} in epoch {Epoch}");
            LastStepDownReason = null; // a leader is known again: the reason no longer explains anything
        }
        Role = NodeRole.Follower;
        Leader = leader;
        elections.ResetTimer();
        if (leader is not null)
        {
            follower.OnLeaderKnown();
        }
    }

    /// <summary>
    /// Every write waiting on this leader's acknowledgement learns that it may or may not have
    /// been applied (the new leader decides); then the leader role ends.
    /// </summary>
    private void StopLeading(LeaderRole wasLeading, NodeId? newLeader, StepDownReason reason)
    {
        var handedOver = wasLeading.Transfer is { HandedOver: true } transfer ? new HandedOver(transfer.Target) : null;
        LastStepDownReason = handedOver ?? reason;
        host.Complete(new ProposalCompletion(ProposalId.All, new LeadershipLost(newLeader, Epoch, LastStepDownReason, MayHaveApplied: true)));
        wasLeading.Reads.FailAll(new LeadershipLost(newLeader, Epoch, LastStepDownReason, MayHaveApplied: false));
        host.Announce(new StoppedLeading(LastStepDownReason));
    }
}
