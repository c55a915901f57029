using Chorus.Core;

namespace Chorus.Replication.Election;

/// <summary>
/// What a <see cref="Campaign"/> needs from the core that runs it: the node's vote state, who
/// votes, and the few transitions and messages an election causes. Narrow on purpose (after
/// etcd raft, where each role has its own step function): the campaign cannot reach the log,
/// the followers or the settings.
/// </summary>
internal interface ICampaignHost
{
    NodeId Self { get; }

    Epoch Epoch { get; }

    NodeId? VotedFor { get; }

    bool IsCandidate { get; }

    bool IsLeader { get; }

    /// <summary>Where this node's log ends (the up-to-date check).</summary>
    LogPosition LastPosition { get; }

    /// <summary>The voting members, this node included when it votes.</summary>
    IReadOnlyCollection<NodeId> Voters { get; }

    /// <summary>The last leader was heard from within an election timeout (leader stickiness).</summary>
    bool HeardFromLeaderRecently();

    /// <summary>Asking for pre-votes: a candidate, in the same epoch.</summary>
    void EnterCandidacy();

    /// <summary>A real election: the next epoch, voting for itself (persisted before anything leaves).</summary>
    void StartEpochAsCandidate();

    void BecomeLeader();

    /// <summary>The campaign was lost: back to following, no leader known.</summary>
    void GiveUp();

    /// <summary>Records a vote for <paramref name="candidate"/>; persisted before the answer leaves.</summary>
    void VoteFor(NodeId candidate);

    void ArmElectionTimer();

    void RequestVote(NodeId voter, Epoch epoch, LogPosition last, bool preVote, bool transfer);

    void AnswerVote(NodeId candidate, Epoch epoch, bool granted, bool preVote);
}
