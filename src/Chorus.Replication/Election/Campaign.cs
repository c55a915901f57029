using Chorus.Core;

namespace Chorus.Replication.Election;

/// <summary>
/// Elections (Raft §5.2 with the pre-vote of the Raft thesis §9.6): a candidate first asks
/// whether the voters would vote for it in the next epoch — changing nothing — and only with a
/// majority of yeses starts that epoch, votes for itself and asks for real votes. The voter side
/// answers both: one vote per epoch, only for a log at least as up to date as its own, and none
/// while it still hears from a leader (unless the leader itself handed over).
/// </summary>
internal sealed class Campaign(ICampaignHost host)
{
    private readonly HashSet<NodeId> _granted = [];
    private readonly HashSet<NodeId> _refused = [];
    private bool _preVote;
    private bool _transfer;
    private Epoch _askingFor;

    /// <summary>Stands for election: a pre-vote first, unless a handover (or an operator) says go.</summary>
    public void Begin(bool preVote, bool transfer)
    {
        if (!host.Epoch.HasNext)
        {
            return; // at Epoch.Max (only a member sending Max − 1 gets a node there): never wrap to 0
        }
        _preVote = preVote;
        _transfer = transfer;
        _granted.Clear();
        _refused.Clear();
        _granted.Add(host.Self);
        if (preVote)
        {
            host.EnterCandidacy();
            _askingFor = host.Epoch.Next;
        }
        else
        {
            host.StartEpochAsCandidate();
            _askingFor = host.Epoch;
        }
        host.ArmElectionTimer();
        if (HasMajority())
        {
            Win();
            return;
        }
        foreach (var voter in host.Voters.Where(v => v != host.Self))
        {
            host.RequestVote(voter, _askingFor, host.LastPosition, preVote, transfer);
        }
    }

    public void OnResponse(NodeId from, Epoch epoch, bool granted, bool preVote)
    {
        if (!host.IsCandidate || preVote != _preVote || epoch != _askingFor)
        {
            return;
        }
        (granted ? _granted : _refused).Add(from);
        if (HasMajority())
        {
            Win();
        }
        else if (_refused.Count >= Majority())
        {
            host.GiveUp(); // lost: wait for the winner or the next timeout
        }
    }

    /// <summary>Would we vote for this candidate in the epoch it names? Answering changes nothing here.</summary>
    public void OnPreVoteRequest(NodeId candidate, Epoch epoch, LogPosition last, bool transfer)
    {
        if (!host.Voters.Contains(candidate))
        {
            return; // a removed node or a learner does not get an answer
        }
        // Whether this node is a voter in its own configuration does not matter: a promotion can
        // commit before it arrives here, and the candidate asking believes this node votes (only the
        // candidate's configuration decides which answers count). LearnerPromotionVoteTests.
        var grant = epoch > host.Epoch
            && VoteRules.IsUpToDate(last, host.LastPosition)
            && (transfer || !host.HeardFromLeaderRecently());
        host.AnswerVote(candidate, epoch, grant, preVote: true);
    }

    /// <summary>A real vote, in our (already adopted) epoch: at most one per epoch, and persisted before the answer leaves.</summary>
    public void OnVoteRequest(NodeId candidate, LogPosition last)
    {
        if (!host.Voters.Contains(candidate))
        {
            return;
        }
        var grant = !host.IsLeader
            && (host.VotedFor is null || host.VotedFor == candidate)
            && VoteRules.IsUpToDate(last, host.LastPosition);
        if (grant)
        {
            host.VoteFor(candidate);
            host.ArmElectionTimer();
        }
        host.AnswerVote(candidate, host.Epoch, grant, preVote: false);
    }

    private void Win()
    {
        if (_preVote)
        {
            Begin(preVote: false, _transfer);
        }
        else
        {
            host.BecomeLeader();
        }
    }

    private bool HasMajority() => _granted.Count(host.Voters.Contains) >= Majority();

    private int Majority() => VoteRules.Majority(host.Voters.Count);
}
