using Chorus.Core;
using Chorus.Replication.Messages;
using Chorus.Replication.SingleLeader;

namespace Chorus.Replication.Election;

/// <summary>
/// Elections (Raft §5.2 with the pre-vote of the Raft thesis §9.6): a candidate first asks
/// whether the voters would vote for it in the next epoch — changing nothing — and only with a
/// majority of yeses starts that epoch, votes for itself and asks for real votes. The voter side
/// answers both: one vote per epoch, only for a log at least as up to date as its own, and none
/// while it still hears from a leader (unless the leader itself handed over).
/// </summary>
internal sealed class Campaign(SingleLeaderCore core)
{
    private readonly HashSet<NodeId> _granted = [];
    private readonly HashSet<NodeId> _refused = [];
    private bool _preVote;
    private bool _transfer;
    private Epoch _askingFor;

    /// <summary>Stands for election: a pre-vote first, unless a handover (or an operator) says go.</summary>
    public void Begin(bool preVote, bool transfer)
    {
        _preVote = preVote;
        _transfer = transfer;
        _granted.Clear();
        _refused.Clear();
        _granted.Add(core.Self);
        if (preVote)
        {
            core.EnterCandidacy();
            _askingFor = core.Epoch.Next;
        }
        else
        {
            core.StartEpochAsCandidate();
            _askingFor = core.Epoch;
        }
        core.ArmElectionTimer();
        if (HasMajority())
        {
            Win();
            return;
        }
        foreach (var voter in core.Settings.Voters.Where(v => v.Id != core.Self))
        {
            core.Send(new RequestVote(core.Self, voter.Id, _askingFor, core.History.Last, preVote, transfer));
        }
    }

    public void OnResponse(VoteResponse response)
    {
        if (core.Role != NodeRole.Candidate || response.PreVote != _preVote || response.Epoch != _askingFor)
        {
            return;
        }
        (response.Granted ? _granted : _refused).Add(response.From);
        if (HasMajority())
        {
            Win();
        }
        else if (_refused.Count >= Majority())
        {
            core.BecomeFollower(core.Epoch, null); // lost: wait for the winner or the next timeout
        }
    }

    /// <summary>Would we vote for this candidate in the epoch it names? Answering changes nothing here.</summary>
    public void OnPreVoteRequest(RequestVote request)
    {
        if (!IsVotingMember(request.From))
        {
            return; // a removed node or a learner does not get an answer
        }
        var grant = core.IsVoter
            && request.Epoch > core.Epoch
            && VoteRules.IsUpToDate(request.Last, core.History.Last)
            && (request.Transfer || !core.HeardFromLeaderRecently());
        core.Send(new VoteResponse(core.Self, request.From, request.Epoch, grant, PreVote: true));
    }

    /// <summary>A real vote, in our (already adopted) epoch: at most one per epoch, and persisted before the answer leaves.</summary>
    public void OnVoteRequest(RequestVote request)
    {
        if (!IsVotingMember(request.From))
        {
            return;
        }
        var grant = core.IsVoter
            && core.Role != NodeRole.Leader
            && (core.VotedFor is null || core.VotedFor == request.From)
            && VoteRules.IsUpToDate(request.Last, core.History.Last);
        if (grant)
        {
            core.VoteFor(request.From);
            core.ArmElectionTimer();
        }
        core.Send(new VoteResponse(core.Self, request.From, core.Epoch, grant, PreVote: false));
    }

    private void Win()
    {
        if (_preVote)
        {
            Begin(preVote: false, _transfer);
        }
        else
        {
            core.BecomeLeader();
        }
    }

    private bool HasMajority() => _granted.Count(id => core.Settings.Find(id) is { Role: Membership.MemberRole.Voter }) >= Majority();

    private bool IsVotingMember(NodeId id) => core.Settings.Find(id) is { Role: Membership.MemberRole.Voter };

    private int Majority() => VoteRules.Majority(core.Settings.Voters.Count());
}
