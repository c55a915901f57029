using Chorus.Core;
using Chorus.Replication.Membership;

namespace Chorus.Replication.Tests;

/// <summary>
/// A learner's promotion can commit on the other voters before the learner has it (the new
/// configuration's majority does not need it). If the leader then dies, the only node that can
/// win holds the promotion and needs the promoted node's vote — which it refused while it still
/// thought itself a learner, so the cluster elected no one until an operator stepped in (seen once
/// in a process test: 60 s without a leader). A node grants a vote by the usual rules whatever its
/// own configuration says: the candidate asking it believes it is a voter, and only the
/// candidate's configuration decides which votes count (etcd-raft has the same rule, for the same case).
/// </summary>
public sealed class LearnerPromotionVoteTests
{
    private static readonly NodeId N3 = new("n3");

    [Fact]
    public void A_learner_promoted_without_knowing_it_votes_so_the_remaining_voters_elect_a_leader()
    {
        var cluster = new CoreCluster(3, new ReplicationOptions { PromoteLagEntriesMax = -1 });
        cluster.StartAll();
        var leader = cluster.Core("n1");
        leader.ProposeSettings(WithRole(leader.Settings, MemberRole.Learner));
        cluster.Settle();
        Assert.Equal(MemberRole.Learner, RoleOfN3(cluster.Core("n3")));

        // n3 hears nothing more: its promotion commits on n1 and n2 alone.
        cluster.Network = message => message.To != N3;
        leader.ProposeSettings(WithRole(leader.Settings, MemberRole.Voter));
        cluster.Settle();
        Assert.Equal(MemberRole.Voter, RoleOfN3(cluster.Core("n2")));
        Assert.Equal(MemberRole.Learner, RoleOfN3(cluster.Core("n3")));

        cluster.Crash("n1");
        cluster.Network = _ => true;
        cluster.Settle(rounds: 60);

        Assert.Equal(NodeRole.Leader, cluster.Core("n2").Role);
        Assert.Equal(MemberRole.Voter, RoleOfN3(cluster.Core("n3")));
        Assert.Equal(0, cluster.Core("n3").ElectionsStarted);
    }

    private static ClusterSettings WithRole(ClusterSettings settings, MemberRole role) =>
        settings with { Members = [.. settings.Members.Select(m => m.Id == N3 ? m with { Role = role } : m)] };

    private static MemberRole RoleOfN3(SingleLeader.SingleLeaderCore core) => core.Settings.Members.Single(m => m.Id == N3).Role;
}
