using Chorus.Server.Consistency;

namespace Chorus.Server.Tests.Consistency;

/// <summary>A named session's counters summed over nodes (docs/consistency.md): each read is counted once in the sums, whatever is lost on the way.</summary>
public sealed class SessionTotalsTests
{
    [Fact]
    public void A_followers_reads_reach_the_leaders_sums_once_and_a_failed_telling_is_retried()
    {
        var follower = new NamedSession("alice", 0);
        var leader = new NamedSession("alice", 0);
        leader.Counters.CountWrite();
        leader.Counters.Count(ReadOutcome.Served);
        follower.Counters.Count(ReadOutcome.Waited);
        follower.Counters.Count(ReadOutcome.Refused);

        var lost = follower.Totals.TakeUnreported(follower.Counters);
        Assert.Equal(new SessionCounts(0, 2, 1, 0, 1), lost);
        follower.Totals.GiveBack(lost); // the leader never heard it
        follower.Counters.Count(ReadOutcome.Forwarded);

        leader.Totals.Add(follower.Totals.TakeUnreported(follower.Counters));
        Assert.Equal(new SessionCounts(1, 4, 1, 1, 1), leader.Totals.AtLeader(leader.Counters));
        Assert.True(follower.Totals.TakeUnreported(follower.Counters).IsZero);
        follower.Totals.Heard(leader.Totals.AtLeader(leader.Counters));
        Assert.Equal(new SessionCounts(1, 4, 1, 1, 1), follower.Totals.Shown(follower.Counters, isLeader: false));
    }
}
