using Chorus.Core;
using Chorus.Replication.Election;
using Chorus.Replication.Messages;

namespace Chorus.Replication.SingleLeader;

/// <summary>
/// The single-leader core's side of elections: the randomized election timer and when it may
/// fire (automatic failover, or the preferred leader while no leader is known), and the narrow
/// host a <see cref="Campaign"/> runs against — votes become this family's messages, wins and
/// losses become role transitions of the core.
/// </summary>
internal sealed class ElectionDriver : ICampaignHost
{
    private readonly IElectionHost _core;
    private readonly ElectionTimer _timer;
    private long _startedAtMs;
    private long _lastTickMs = -1;

    public ElectionDriver(IElectionHost core, Random random)
    {
        _core = core;
        _timer = new ElectionTimer(core.Options.ElectionTimeoutMs, random);
        Campaign = new Campaign(this);
    }

    public Campaign Campaign { get; }

    public NodeId Self => _core.Self;

    public Epoch Epoch => _core.Epoch;

    public NodeId? VotedFor => _core.VotedFor;

    public bool IsCandidate => _core.Role == NodeRole.Candidate;

    public bool IsLeader => _core.Role == NodeRole.Leader;

    public LogPosition LastPosition => _core.LastPosition;

    public IReadOnlyCollection<NodeId> Voters => [.. _core.Settings.Voters.Select(m => m.Id)];

    /// <summary>Begins at <paramref name="nowMs"/>: the preferred leader (or a lone voter) stands at once, others wait longer than usual.</summary>
    public void Start(long nowMs)
    {
        _startedAtMs = nowMs;
        if (_core.Cluster.SelfIsPreferredLeader || _core.Settings.Voters.Count() == 1)
        {
            _timer.FireAt(nowMs);
        }
        else if (MayCampaignOnTimeout)
        {
            _timer.ResetDeferring(nowMs);
        }
        else
        {
            _timer.Stop();
        }
    }

    /// <summary>Time passed: stand for election if the timer ran out and this node may.</summary>
    public void Tick(long nowMs)
    {
        ForgiveOwnStall(nowMs);
        if (!_timer.HasExpired(nowMs))
        {
            return;
        }
        if (_core.IsVoter && (MayCampaignOnTimeout || PreferredWithoutLeader))
        {
            Campaign.Begin(preVote: true, transfer: false);
        }
        else
        {
            _timer.Stop();
        }
    }

    public void Stop() => _timer.Stop();

    /// <summary>
    /// A tick that comes more than a heartbeat interval after the previous one means this node
    /// stalled (it applied a large entry, its CPU was starved, a long GC): it could not hear the
    /// leader meanwhile, and the heartbeats it missed are likely waiting in its inbox, handled
    /// right after this tick. So the stall is not held against the leader: the timer moves later
    /// by it — only when the leader had been heard within an election timeout before the stall,
    /// so a follower that keeps stalling without hearing from a leader that is gone still stands.
    /// (The leader forgives its own stalls the same way: <see cref="CheckQuorumLease"/>.)
    /// </summary>
    private void ForgiveOwnStall(long nowMs)
    {
        var stalledMs = _lastTickMs < 0 ? 0 : nowMs - _lastTickMs - _core.Options.HeartbeatIntervalMs;
        var heardBeforeStall = _core.Leader is not null && _core.LeaderLastHeardAtMs >= 0
            && _lastTickMs - _core.LeaderLastHeardAtMs < _core.Options.ElectionTimeoutMs;
        if (stalledMs > 0 && heardBeforeStall)
        {
            _timer.Postpone(stalledMs);
        }
        _lastTickMs = Math.Max(_lastTickMs, nowMs);
    }

    /// <summary>Heard from a leader, or voted: wait a full election timeout again.</summary>
    public void ResetTimer()
    {
        if (PreferredWithoutLeader)
        {
            _timer.ResetEager(_core.NowMs);
        }
        else if (MayCampaignOnTimeout)
        {
            _timer.Reset(_core.NowMs);
        }
        else
        {
            _timer.Stop();
        }
    }

    /// <summary>Re-arms the timer after a campaign step (the preferred leader retries sooner while no leader exists).</summary>
    public void ArmElectionTimer()
    {
        if (PreferredWithoutLeader)
        {
            _timer.ResetEager(_core.NowMs);
        }
        else
        {
            _timer.Reset(_core.NowMs);
        }
    }

    /// <summary>
    /// Whether the last leader was heard from within an election timeout (leader stickiness). With
    /// read leases a node that just started counts as having heard from one: it may have promised a
    /// leader, before it restarted, not to elect another for that long — the promise leases rely on.
    /// </summary>
    public bool HeardFromLeaderRecently() =>
        IsLeader
        || (_core.Leader is not null && _core.LeaderLastHeardAtMs >= 0 && _core.NowMs - _core.LeaderLastHeardAtMs < _core.Options.ElectionTimeoutMs)
        || (_core.Options.ReadLease && _core.NowMs - _startedAtMs < _core.Options.ElectionTimeoutMs);

    public void EnterCandidacy() => _core.EnterCandidacy();

    public void StartEpochAsCandidate() => _core.StartEpochAsCandidate();

    public void BecomeLeader() => _core.BecomeLeader();

    public void GiveUp() => _core.BecomeFollower(_core.Epoch, null);

    public void VoteFor(NodeId candidate) => _core.VoteFor(candidate);

    public void RequestVote(NodeId voter, Epoch epoch, LogPosition last, bool preVote, bool transfer) =>
        _core.Send(new RequestVote(Self, voter, epoch, last, preVote, transfer));

    public void AnswerVote(NodeId candidate, Epoch epoch, bool granted, bool preVote) =>
        _core.Send(new VoteResponse(Self, candidate, epoch, granted, preVote));

    private bool PreferredWithoutLeader => _core.Cluster.SelfIsPreferredLeader && _core.Leader is null && _core.IsVoter;

    private bool MayCampaignOnTimeout => _core.IsVoter && _core.Settings.Failover == FailoverMode.Auto;
}
