using Chorus.Core;
using Chorus.Core.Messaging;
using Chorus.Replication.Messages;

namespace Chorus.Replication.Tests;

/// <summary>
/// Issue 17, finding 5: one forged VoteResponse with epoch 2^64 − 1 deposed the leader, and the
/// next candidate wrapped to epoch 0, so no leader could ever be elected again. The core refuses
/// an epoch that leaves no successor (as bytes, or as a message the simulator hands it): the
/// leader keeps leading, and elections afterwards work as before.
/// </summary>
public sealed class EpochBoundTests
{
    [Theory]
    [InlineData(ulong.MaxValue)]
    [InlineData((ulong)long.MaxValue)]
    public void A_forged_vote_response_with_a_huge_epoch_changes_nothing_and_elections_still_work(ulong forgedEpoch)
    {
        var cluster = new CoreCluster(3);
        cluster.StartAll();
        cluster.Propose("before");
        cluster.Settle();
        var leader = cluster.Core("n1");
        var epoch = leader.Epoch;
        var forged = new VoteResponse(new NodeId("n2"), new NodeId("n1"), new Epoch(forgedEpoch), Granted: true, PreVote: false);

        leader.Step(new Envelope(forged.From, forged.To, MessageFamily.SingleLeader, PeerMessageCodec.Encode(forged)));
        cluster.InFlight.Add(forged);
        cluster.Settle();

        Assert.Equal(NodeRole.Leader, leader.Role);
        Assert.Equal(epoch, leader.Epoch);
        cluster.Crash("n1");
        cluster.Settle(rounds: 40);
        var successor = cluster.Core(cluster.Leader.Value);
        Assert.Equal(epoch.Next, successor.Epoch);
        cluster.Propose("after");
        cluster.Settle();
        Assert.Equal(["before", "after"], cluster["n3"].Payloads);
    }
}
