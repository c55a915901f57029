using Chorus.Core;

namespace Chorus.Replication.SingleLeader;

/// <summary>
/// The single-leader core's role transitions (after etcd raft's becomeFollower / becomeCandidate /
/// becomeLeader): a new epoch and vote are persisted before anything that depends on them leaves;
/// a leader that steps down completes every waiting proposal as "may or may not have been applied"
/// and records why it stopped, for the writes and operators that ask.
/// </summary>
internal sealed class RoleChanges(SingleLeaderCore core, ElectionDriver elections, FollowerRole follower)
{
    /// <summary>Records a vote; it is persisted before the answer leaves.</summary>
    public void VoteFor(NodeId candidate)
    {
        core.VotedFor = candidate;
        core.Pending.HardState = new HardState(core.Epoch, core.VotedFor);
    }

    /// <summary>A new epoch in which this node votes for itself (a real election).</summary>
    public void StartEpochAsCandidate()
    {
        core.Epoch = core.Epoch.Next;
        core.VotedFor = core.Self;
        core.Leader = null;
        core.Role = NodeRole.Candidate;
        core.ElectionsStarted++;
        core.Notice($"{core.Self} stands for election in epoch {core.Epoch} with its log ending at {core.History.Last}");
        core.Pending.HardState = new HardState(core.Epoch, core.VotedFor);
    }

    public LeaderRole BecomeLeader()
    {
        Invariant.That(core.VotedFor == core.Self || core.Settings.Voters.Count() == 1, "a leader voted for itself in its epoch");
        core.Role = NodeRole.Leader;
        core.Leader = core.Self;
        core.TimesElected++;
        core.Notice($"{core.Self} elected leader of epoch {core.Epoch}; its log ends at {core.History.Last}");
        elections.Stop();
        core.LastStepDownReason = null;
        var leader = new LeaderRole(core);
        core.LeaderStarting(leader);
        leader.Start();
        return leader;
    }

    /// <summary>Becomes (or stays) a follower in <paramref name="epoch"/>; a leader steps down (for <paramref name="reason"/>, else a newer epoch).</summary>
    public void BecomeFollower(Epoch epoch, NodeId? leader, LeaderRole? wasLeading, StepDownReason? reason)
    {
        if (epoch > core.Epoch)
        {
            core.Epoch = epoch;
            core.VotedFor = null;
            core.Pending.HardState = new HardState(core.Epoch, null);
        }
        if (wasLeading is not null)
        {
            StopLeading(wasLeading, leader, reason ?? NewerEpoch.Instance);
        }
        if (leader != core.Leader)
        {
            follower.Reads.LeaderChanged(leader);
        }
        if (leader is not null && leader != core.Leader)
        {
            core.Notice($"following {leader} in epoch {core.Epoch}");
            core.LastStepDownReason = null; // a leader is known again: the reason no longer explains anything
        }
        core.Role = NodeRole.Follower;
        core.Leader = leader;
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
        core.LastStepDownReason = handedOver ?? reason;
        core.Pending.Completions.Add(new ProposalCompletion(ProposalId.All, new LeadershipLost(newLeader, core.Epoch, core.LastStepDownReason, MayHaveApplied: true)));
        wasLeading.Reads.FailAll(new LeadershipLost(newLeader, core.Epoch, core.LastStepDownReason, MayHaveApplied: false));
        core.Pending.Notices.Add(new StoppedLeading(core.LastStepDownReason));
    }
}
