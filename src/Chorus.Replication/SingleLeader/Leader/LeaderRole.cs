using Chorus.Core;
using Chorus.Replication.Progress;
using Chorus.Core.Log;
using Chorus.Replication.Membership;
using Chorus.Replication.Messages;
using Chorus.Replication.Quorum;

namespace Chorus.Replication.SingleLeader;

/// <summary>
/// The leader's side: assigns LSNs, tracks each follower (its log stream is <see cref="LogShipping"/>),
/// counts the commit point, serves linearizable reads, and decides when writes are acknowledged.
/// </summary>
internal sealed class LeaderRole
{
    private readonly ILeaderHost _core;
    private readonly Dictionary<NodeId, FollowerProgress> _followers = [];
    private readonly AckWindow _acks;
    private readonly LearnerPromotion _promotion;
    private readonly LeadershipHandover _handover;
    private readonly ReadIndex _reads;
    private readonly LogShipping _shipping;
    private Lsn _epochStart;

    public LeaderRole(ILeaderHost core)
    {
        _core = core;
        _acks = new AckWindow(core);
        _promotion = new LearnerPromotion(core);
        _reads = new ReadIndex(core);
        _shipping = new LogShipping(core, _reads, _acks);
        _handover = new LeadershipHandover(core, _shipping.Send);
        OnSettingsChanged();
    }

    /// <summary>Linearizable reads at this leader (read index and lease).</summary>
    public ReadIndex Reads => _reads;

    /// <summary>A read round is due (reads wait for one, or the lease needs renewing).</summary>
    public bool HasReadWork => _reads.RoundDue;

    public IReadOnlyCollection<FollowerProgress> Followers => _followers.Values;

    public AckState Acks => _acks.State;

    public Lsn AckedLsn => _acks.AckedLsn(Voters);

    /// <summary>Too few followers stream for a fail policy: refuse writes up front.</summary>
    public bool WritesRefused => _acks.WritesRefused(Voters);

    /// <summary>Entries were proposed that a streaming follower has not been sent yet.</summary>
    public bool HasEntriesToShip => _followers.Values.Any(f => f.State == FollowerState.Replicating && f.Next <= _core.History.Last.Lsn && f.InflightBytes < _core.Options.InflightBytesMax && !f.ReadPending);

    /// <summary>The oldest LSN a connected follower still needs (retention must keep it).</summary>
    public Lsn NeededFrom =>
        _followers.Values.Where(f => f.State is FollowerState.Replicating or FollowerState.Truncating)
            .Select(f => f.Match.Next)
            .Concat(_followers.Values.Where(f => f.State == FollowerState.NeedsSnapshot && f.SnapshotLsn > Lsn.Zero).Select(f => f.SnapshotLsn.Next))
            .DefaultIfEmpty(_core.History.Last.Lsn.Next)
            .Min();

    private IEnumerable<FollowerProgress> Voters => _followers.Values.Where(f => f.Role == MemberRole.Voter);

    /// <summary>A manual failover in progress, if any.</summary>
    public LeadershipTransfer? Transfer => _handover.Transfer;

    /// <summary>
    /// A new leader opens its epoch with an empty entry: it marks where the epoch starts in every
    /// log, and once followers hold it they hold everything the leader had before.
    /// </summary>
    public void Start()
    {
        _core.Lease.Begin(_core.NowMs);
        // Entries of earlier epochs count as committed only once this epoch's first entry is (Raft §5.4.2).
        _epochStart = Propose(PayloadKind.Noop, []).Lsn;
        if (_core.SettingsLsn == Lsn.Zero && _core.Options.RecordBootstrapSettings)
        {
            // A brand-new cluster's first leader records its starting settings in the log, so every
            // node has them — and the cluster's identity with them (session tokens carry it).
            _core.ProposeSettings(_core.Settings with { ClusterId = _core.NewClusterId });
        }
        _acks.CountAfter(_core.History.Last.Lsn);
        foreach (var follower in _followers.Values)
        {
            _shipping.SendHeartbeat(follower);
        }
    }

    public ControlResult BeginTransfer(NodeId target, long timeoutMs)
    {
        var result = _handover.Begin(target, _followers.GetValueOrDefault(target)?.Role, timeoutMs);
        _handover.Continue(_followers.GetValueOrDefault);
        return result;
    }

    public ControlResult AbortTransfer() => _handover.Abort();

    public LogEntry Propose(PayloadKind kind, ReadOnlySpan<byte> payload)
    {
        var position = new LogPosition(_core.Epoch, _core.History.Last.Lsn.Next);
        var entry = LogEntry.Create(position, _core.Clock.Now(_core.NowMs), _core.Self, kind, payload);
        _core.QueueAppend([entry], proposed: true);
        return entry;
    }

    /// <summary>
    /// Ships what was proposed since the last Ready to every streaming follower (flow control
    /// permitting), begins a read round if reads wait for one, and serves the reads it can.
    /// </summary>
    public void ShipPending()
    {
        foreach (var follower in _followers.Values)
        {
            if (follower.State == FollowerState.Replicating)
            {
                _shipping.SendEntries(follower);
            }
        }
        _reads.BeginRoundIfWanted(HeartbeatAll);
        AdvanceReads();
    }

    /// <summary>A linearizable read: from this node's host (<paramref name="follower"/> null) or a follower's read index request.</summary>
    public void RequestRead(ReadRequestId id, NodeId? follower)
    {
        _reads.Request(id, follower, Transfer is not null);
        AdvanceReads(); // a read under a valid lease is served at once
    }

    /// <summary>
    /// The commit point: the highest LSN a majority of voters (this leader included) has applied,
    /// once that includes this epoch's first entry — from then on no elected leader can lack it.
    /// </summary>
    private void AdvanceCommit()
    {
        if (ReachedByMajority(f => f.Match.Value, _core.Appended.Value) is { } applied && new Lsn(applied) >= _epochStart)
        {
            _core.AdvanceCommitTo(new Lsn(applied));
        }
    }

    /// <summary>
    /// The durable commit point: the highest LSN a majority of voters (this leader included) has
    /// on stable storage, once that includes this epoch's first entry, and not beyond the commit
    /// point. Under <c>fsync always</c> it is the commit point; under <c>everysec</c> or <c>no</c> the
    /// commit point counts copies a power loss can take back (a majority that lost them elects a
    /// leader without them), and this one does not: an entry below it is in every future leader's log.
    /// </summary>
    public Lsn DurablyCommitted() =>
        ReachedByMajority(f => f.Flushed.Value, _core.Flushed.Value) is { } flushed && new Lsn(flushed) >= _epochStart
            ? Lsn.Min(new Lsn(flushed), _core.CommitLsn)
            : Lsn.Zero;

    /// <summary>The latest read round a majority of voters (this leader included) has echoed.</summary>
    private ulong QuorumReadRound() => ReachedByMajority(f => f.AckedReadRound, _reads.Round) ?? 0;

    /// <summary>
    /// The highest value a majority of voters has reached — followers by <paramref name="ofFollower"/>,
    /// this leader by <paramref name="own"/> — or null while fewer voters than a majority are known.
    /// </summary>
    private ulong? ReachedByMajority(Func<FollowerProgress, ulong> ofFollower, ulong own)
    {
        var majority = Election.VoteRules.Majority(Math.Max(_core.Settings.Voters.Count(), 1));
        // Runs on every acknowledgement: a span on the stack rather than a LINQ pipeline and an array.
        var room = _followers.Count + 1;
        Span<ulong> reached = room <= 64 ? stackalloc ulong[room] : new ulong[room];
        var known = 0;
        reached[known++] = own;
        foreach (var follower in _followers.Values)
        {
            if (follower.Role == MemberRole.Voter)
            {
                reached[known++] = ofFollower(follower);
            }
        }
        if (known < majority)
        {
            return null;
        }
        var voters = reached[..known];
        voters.Sort(); // ascending: the majority-th highest sits majority places from the end
        return voters[known - majority];
    }

    private void AdvanceReads()
    {
        AdvanceCommit();
        _reads.Advance(QuorumReadRound(), _core.CommitLsn);
    }

    private void HeartbeatAll()
    {
        foreach (var follower in _followers.Values)
        {
            _shipping.SendHeartbeat(follower);
        }
    }

    /// <summary>Members joined, left or changed role: follow the settings.</summary>
    public void OnSettingsChanged()
    {
        var members = _core.Settings.Members.Where(m => m.Id != _core.Self).ToDictionary(m => m.Id);
        foreach (var gone in _followers.Keys.Where(id => !members.ContainsKey(id)).ToArray())
        {
            _followers.Remove(gone);
            _shipping.Forget(gone);
        }
        foreach (var member in members.Values)
        {
            if (_followers.TryGetValue(member.Id, out var existing))
            {
                existing.Role = member.Role;
                if (member.Role == MemberRole.Voter)
                {
                    _promotion.Promoted(member.Id);
                }
                continue;
            }
            _followers[member.Id] = new FollowerProgress(member.Id, member.Role) { ClientEndpoint = member.ClientEndpoint };
            _shipping.Track(member.Id);
        }
    }

    public void Step(PeerMessage message)
    {
        if (!_followers.TryGetValue(message.From, out var follower))
        {
            return;
        }
        follower.LastHeardAtMs = _core.NowMs;
        // Learners too: a learner promoted to voter counts at once for what it was heard saying before.
        _core.Lease.Heard(follower.Id, _core.NowMs);
        switch (message)
        {
            case Subscribe subscribe:
                follower.StampMs = -1; // a restarted follower's clock may be behind its old stamps
                _shipping.OnSubscribe(follower, subscribe);
                break;
            case AppendResponse response:
                // The echo proves the follower still followed this leader after that round began.
                follower.AckedReadRound = Math.Max(follower.AckedReadRound, Math.Min(response.ReadRound, _reads.Round));
                follower.StampMs = Math.Max(follower.StampMs, response.StampMs);
                _shipping.OnAppendResponse(follower, response);
                AdvanceReads();
                break;
            case FreshnessRequest request:
                // A bounded read waits at the follower: echo its stamp now, beside where our log
                // ends, rather than at the next heartbeat (FreshnessProbe).
                follower.StampMs = Math.Max(follower.StampMs, request.StampMs);
                _shipping.SendHeartbeat(follower);
                break;
        }
    }

    public void Tick()
    {
        foreach (var follower in _followers.Values)
        {
            _shipping.Tick(follower);
        }
        _acks.Tick(Voters);
        _promotion.PromoteCaughtUp(_followers.Values);
        _handover.Continue(_followers.GetValueOrDefault);
        _reads.ExpireDue();
        CheckQuorum();
    }

    /// <summary>The check-quorum lease (see <see cref="CheckQuorumLease"/>): a leader that lost touch with a majority steps down.</summary>
    private void CheckQuorum()
    {
        var lost = _core.Lease.Check(_core.Self, _core.Settings.Voters.Count(), Voters.Select(f => (f.Id, f.LastHeardAtMs)), _core.NowMs);
        if (lost is not null)
        {
            _core.StepDown(lost);
        }
    }

    public void OnAppended()
    {
        foreach (var follower in _followers.Values)
        {
            if (follower.State == FollowerState.Replicating)
            {
                _shipping.SendEntries(follower);
            }
        }
        AdvanceReads();
    }

    public void OnLogRead(NodeId id, Lsn from, IReadOnlyList<LogEntry> entries)
    {
        if (!_followers.TryGetValue(id, out var follower))
        {
            return;
        }
        follower.ReadPending = false;
        if (follower.State != FollowerState.Replicating || from != follower.Next)
        {
            return;
        }
        if (entries.Count == 0)
        {
            _shipping.RequireSnapshot(follower, _core.PositionOf(follower.Match));
            return;
        }
        _shipping.Ship(follower, entries);
        _shipping.SendEntries(follower);
    }

    /// <summary>A snapshot at <paramref name="position"/> is on its way to <paramref name="id"/>: keep the log after it.</summary>
    public void OnSnapshotTaken(NodeId id, LogPosition position)
    {
        if (_followers.TryGetValue(id, out var follower))
        {
            follower.SnapshotLsn = position.Lsn;
        }
    }

    public void OnPeerConnected(NodeId peer)
    {
        if (_followers.TryGetValue(peer, out var follower))
        {
            _shipping.SendHeartbeat(follower);
        }
    }

}
