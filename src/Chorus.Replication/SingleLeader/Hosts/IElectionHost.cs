using Chorus.Core;
using Chorus.Replication.Membership;
using Chorus.Replication.Messages;

namespace Chorus.Replication.SingleLeader;

/// <summary>
/// What <see cref="ElectionDriver"/> needs of the core: the vote state, who votes, when the
/// leader was last heard, and the role transitions an election causes. It cannot reach the log,
/// the followers or the Ready.
/// </summary>
internal interface IElectionHost
{
    NodeId Self { get; }

    Epoch Epoch { get; }

    NodeId? VotedFor { get; }

    NodeRole Role { get; }

    NodeId? Leader { get; }

    long NowMs { get; }

    ReplicationOptions Options { get; }

    /// <summary>Who this node is and which node should lead when none does.</summary>
    ClusterConfig Cluster { get; }

    ClusterSettings Settings { get; }

    bool IsVoter { get; }

    /// <summary>Where this node's log ends (the up-to-date check).</summary>
    LogPosition LastPosition { get; }

    /// <summary>When this node last heard from its leader (negative: never).</summary>
    long LeaderLastHeardAtMs { get; }

    void EnterCandidacy();

    void StartEpochAsCandidate();

    void BecomeLeader();

    /// <summary>Follows <paramref name="leader"/> (null: none known) in <paramref name="epoch"/>.</summary>
    void BecomeFollower(Epoch epoch, NodeId? leader);

    void VoteFor(NodeId candidate);

    void Send(PeerMessage message);
}
