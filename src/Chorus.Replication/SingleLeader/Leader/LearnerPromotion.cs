using Chorus.Core;
using Chorus.Replication.Membership;
using Chorus.Replication.Progress;

namespace Chorus.Replication.SingleLeader;

/// <summary>A learner that has caught up becomes a voter, through the log like every membership change (DESIGN §4.3).</summary>
internal sealed class LearnerPromotion(ILeaderHost core)
{
    private readonly HashSet<NodeId> _promoting = [];

    public void Promoted(NodeId id) => _promoting.Remove(id);

    public void PromoteCaughtUp(IEnumerable<FollowerProgress> followers)
    {
        foreach (var learner in followers.Where(f => f.Role == MemberRole.Learner && f.State == FollowerState.Replicating))
        {
            var promotable = core.Options.PromoteLagEntriesMax >= 0 && core.History.Last.Lsn.DistanceFrom(learner.Match) <= (ulong)core.Options.PromoteLagEntriesMax;
            if (_promoting.Contains(learner.Id) || !promotable)
            {
                continue;
            }
            var member = core.Settings.Find(learner.Id);
            if (member is not null)
            {
                _promoting.Add(learner.Id);
                core.ProposeSettings(core.Settings.WithMember(member with { Role = MemberRole.Voter }));
            }
        }
    }
}
