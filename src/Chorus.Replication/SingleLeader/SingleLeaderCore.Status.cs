using Chorus.Core;
using Chorus.Replication.Progress;
using Chorus.Replication.Membership;
using Chorus.Replication.Quorum;

namespace Chorus.Replication.SingleLeader;

/// <summary>
/// What the host and status readers see of the core: whether writes are taken, the leader's
/// followers and acknowledgements, what is committed, how current this node is.
/// </summary>
public sealed partial class SingleLeaderCore
{
    /// <summary>The leader's view of its followers (empty unless leading).</summary>
    public IReadOnlyCollection<FollowerProgress> Followers => _leader?.Followers ?? [];

    /// <summary>This node's view of its link to the leader.</summary>
    public LeaderLink Link => _follower.Link;

    /// <summary>The leader's acknowledgement state (null unless leading).</summary>
    public AckState? Acks => _leader?.Acks;

    /// <summary>A manual failover in progress on this leader, if any.</summary>
    public LeadershipTransfer? Transfer => _leader?.Transfer;

    /// <summary>Client writes up to this LSN may be acknowledged (zero unless leading).</summary>
    public Lsn AckedLsn => _leader?.AckedLsn ?? Lsn.Zero;

    /// <summary>
    /// Whether writes are taken now: refused when not leading (naming the leader, if known) or
    /// when too few followers stream under a fail policy; held while a FAILOVER hands over.
    /// </summary>
    public Admission Admission =>
        _leader is null ? Admission.Refuse(NotLeaderOutcome())
        : _leader.Transfer is not null ? Admission.Hold
        : _leader.WritesRefused ? Admission.Refuse(NoReplicas.Instance)
        : Admission.Accept;

    /// <summary>The newest entry in the log: a write that only observed staged state waits for it.</summary>
    public ProposalId LastProposed => IdOf(History.Last.Lsn);

    public Epoch LastProposedEpoch => History.Last.Epoch;

    public bool IsVoter => Settings.Find(Self) is { Role: MemberRole.Voter };

    public bool HasReady => !Pending.IsEmpty || (_leader is not null && (AckedLsn != _ackedReported || _leader.HasEntriesToShip || _leader.HasReadWork));

    /// <summary>The newest position in the local log known to be committed (zero: none known yet).</summary>
    public LogPosition? Committed => CommitLsn == Lsn.Zero ? LogPosition.Zero : PositionOf(CommitLsn);

    /// <summary>
    /// A leader is current now (a deposed one that has not noticed steps down within its lease); a
    /// follower as of its freshness, measured on its elapsed clock and expressed against the last
    /// wall-clock time ticked in (which the read gate compares with).
    /// </summary>
    public long? CurrentAsOfMs => _leader is not null ? Elapsed.WallMs : _follower.Freshness.CurrentAsOfMs is >= 0 and var at ? Elapsed.WallTimeOf(at) : null;

    /// <summary>Linearizable reads served by this node as leader thanks to its lease, and by quorum rounds.</summary>
    public (long ByLease, long ByRound) LeaderReads => _leader is { } leader ? (leader.Reads.LeaseReads, leader.Reads.RoundReads) : (0, 0);

    /// <summary>The commit timestamp of a recent entry, if it is still in the entry cache.</summary>
    public HlcTimestamp? EntryTimestamp(Lsn lsn) => Cache.Get(lsn)?.Timestamp;

    public int ReplicasHolding(Lsn lsn) => Followers.Count(f => f.State == FollowerState.Replicating && f.Match >= lsn);

    public NodeStatus Describe() => NodeStatusBuilder.Build(this);

    public int StatusFingerprint =>
        HashCode.Combine(Role, Epoch, Leader, Admission, Acks?.IsDegraded, Acks?.Degradations, Acks?.TimedOutWrites, SettingsLsn);

    private ProposalOutcome NotLeaderOutcome() =>
        Leader is { } leader ? new NotLeader(leader, Epoch) : new NoLeader(Epoch, LastStepDownReason);
}
