using Chorus.Core;
using Chorus.Replication.Progress;
using Chorus.Core.Log;
using Chorus.Replication.Log;
using Chorus.Replication.Membership;
using Chorus.Replication.Messages;
using Chorus.Replication.Quorum;

namespace Chorus.Replication.SingleLeader;

/// <summary>The leader's side: assigns LSNs, tracks each follower, streams it the log, and decides when writes are acknowledged.</summary>
internal sealed class LeaderRole
{
    private readonly SingleLeaderCore _core;
    private readonly Dictionary<NodeId, FollowerProgress> _followers = [];
    private readonly Dictionary<NodeId, Queue<(Lsn Last, long Bytes)>> _inflight = [];
    private readonly AckWindow _acks;
    private readonly LearnerPromotion _promotion;
    private readonly LeadershipHandover _handover;
    private readonly ReadIndex _reads;
    private Lsn _epochStart;

    public LeaderRole(SingleLeaderCore core)
    {
        _core = core;
        _acks = new AckWindow(core);
        _promotion = new LearnerPromotion(core);
        _handover = new LeadershipHandover(core, Send);
        _reads = new ReadIndex(core);
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
            // A brand-new cluster's first leader records its starting settings in the log, so every node has them.
            _core.ProposeSettings(_core.Settings);
        }
        _acks.CountAfter(_core.History.Last.Lsn);
        foreach (var follower in _followers.Values)
        {
            SendHeartbeat(follower);
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
                SendEntries(follower);
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
        var voters = _core.Settings.Voters.Count();
        var majority = Election.VoteRules.Majority(Math.Max(voters, 1));
        var applied = Voters.Select(f => f.Match).Append(_core.Appended).OrderByDescending(l => l.Value).ToArray();
        if (applied.Length >= majority && applied[majority - 1] >= _epochStart)
        {
            _core.AdvanceCommitTo(applied[majority - 1]);
        }
    }

    /// <summary>The latest read round a majority of voters (this leader included) has echoed.</summary>
    private ulong QuorumReadRound()
    {
        var voters = _core.Settings.Voters.Count();
        var majority = Election.VoteRules.Majority(Math.Max(voters, 1));
        var rounds = Voters.Select(f => f.AckedReadRound).Append(_reads.Round).OrderDescending().ToArray();
        return rounds.Length >= majority ? rounds[majority - 1] : 0;
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
            SendHeartbeat(follower);
        }
    }

    /// <summary>Members joined, left or changed role: follow the settings.</summary>
    public void OnSettingsChanged()
    {
        var members = _core.Settings.Members.Where(m => m.Id != _core.Self).ToDictionary(m => m.Id);
        foreach (var gone in _followers.Keys.Where(id => !members.ContainsKey(id)).ToArray())
        {
            _followers.Remove(gone);
            _inflight.Remove(gone);
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
            _inflight[member.Id] = new Queue<(Lsn, long)>();
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
                OnSubscribe(follower, subscribe);
                break;
            case AppendResponse response:
                // The echo proves the follower still followed this leader after that round began.
                follower.AckedReadRound = Math.Max(follower.AckedReadRound, Math.Min(response.ReadRound, _reads.Round));
                OnAppendResponse(follower, response);
                AdvanceReads();
                break;
        }
    }

    public void Tick()
    {
        foreach (var follower in _followers.Values)
        {
            if (follower.State != FollowerState.Probing && IsSilent(follower))
            {
                // Gone quiet for longer than a follower would ever wait to resubscribe: treat it
                // as disconnected until it subscribes again.
                follower.State = FollowerState.Probing;
                RewindTo(follower, follower.Match.Next);
            }
            if (follower.State == FollowerState.Replicating && IsStalled(follower))
            {
                // Sent entries were not acknowledged in time: assume they were lost and resend.
                RewindTo(follower, follower.Match.Next);
            }
            if (follower.State == FollowerState.Replicating)
            {
                SendEntries(follower);
            }
            if (_core.NowMs - follower.LastSentAtMs >= _core.Options.HeartbeatIntervalMs || follower.LastSentAtMs < 0)
            {
                SendHeartbeat(follower);
                if (follower.State == FollowerState.NeedsSnapshot)
                {
                    Send(follower, new InstallSnapshot(_core.Self, follower.Id, _core.Epoch, follower.SnapshotRequestedAt));
                }
            }
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

    private void RequireSnapshot(FollowerProgress follower, LogPosition followerLast)
    {
        follower.State = FollowerState.NeedsSnapshot;
        follower.SnapshotRequestedAt = followerLast;
        Send(follower, new InstallSnapshot(_core.Self, follower.Id, _core.Epoch, followerLast));
    }

    public void OnAppended()
    {
        foreach (var follower in _followers.Values)
        {
            if (follower.State == FollowerState.Replicating)
            {
                SendEntries(follower);
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
            RequireSnapshot(follower, _core.PositionOf(follower.Match));
            return;
        }
        Ship(follower, entries);
        SendEntries(follower);
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
            SendHeartbeat(follower);
        }
    }

    private void OnSubscribe(FollowerProgress follower, Subscribe subscribe)
    {
        follower.ClientEndpoint = subscribe.ClientEndpoint;
        var theirs = EpochHistory.Restore(subscribe.Base, subscribe.Last, subscribe.Epochs);
        var common = _core.History.CommonPoint(theirs);
        var newNode = subscribe.Last.Lsn == Lsn.Zero && _core.History.Last.Lsn.DistanceFrom(_core.History.Base.Lsn) > (ulong)_core.Options.SnapshotNewNodeEntriesMin;
        if (common is null || common.Value < _core.History.Base.Lsn || newNode)
        {
            _core.Notice($"{follower.Id} subscribed at {subscribe.Last} but this log starts after {_core.History.Base}: it gets a snapshot");
            RequireSnapshot(follower, subscribe.Last);
            return;
        }
        if (common.Value < subscribe.Last.Lsn)
        {
            _core.Notice($"{follower.Id} subscribed at {subscribe.Last}; it diverged after LSN {common}: it truncates");
            follower.State = FollowerState.Truncating;
            Send(follower, new TruncateLog(_core.Self, follower.Id, _core.Epoch, common.Value));
            return;
        }
        if (follower.State != FollowerState.Replicating)
        {
            _core.Notice($"{follower.Id} subscribed at {subscribe.Last}: streaming from LSN {common.Value.Next}");
        }
        follower.State = FollowerState.Replicating;
        follower.SnapshotLsn = Lsn.Zero;
        follower.Match = common.Value;
        follower.Received = Lsn.Max(follower.Received, common.Value);
        follower.Flushed = Lsn.Min(subscribe.Flushed, common.Value);
        follower.SubscribedFrom = common.Value.Next;
        RewindTo(follower, common.Value.Next);
        SendEntries(follower);
    }

    private void OnAppendResponse(FollowerProgress follower, AppendResponse response)
    {
        if (_core.History.EpochAt(response.Last.Lsn) != response.Last.Epoch)
        {
            return;
        }
        if (follower.State == FollowerState.Probing)
        {
            // The follower answered a probe from a position our log holds: stream from there
            // (its subscription may have been lost on the way).
            _core.Notice($"{follower.Id} answered at {response.Last}: streaming from LSN {response.Last.Lsn.Next}");
            follower.State = FollowerState.Replicating;
            follower.Match = response.Last.Lsn;
            RewindTo(follower, response.Last.Lsn.Next);
        }
        if (follower.State != FollowerState.Replicating)
        {
            return;
        }
        var confirmedBefore = follower.ConfirmedAt(_core.Settings.Ack.Level);
        if (response.Last.Lsn > follower.Match)
        {
            follower.Match = response.Last.Lsn;
            follower.LastProgressAtMs = _core.NowMs;
            var inflight = _inflight[follower.Id];
            while (inflight.Count > 0 && inflight.Peek().Last <= follower.Match)
            {
                follower.InflightBytes -= inflight.Dequeue().Bytes;
            }
        }
        // What a follower received or flushed beyond what it applied is only trusted up to our log's end.
        follower.Received = Lsn.Max(follower.Received, Lsn.Max(follower.Match, Lsn.Min(response.Received, _core.History.Last.Lsn)));
        follower.Flushed = Lsn.Max(follower.Flushed, Lsn.Min(response.Flushed, follower.Match));
        if (follower.Next <= follower.Match)
        {
            follower.Next = follower.Match.Next;
        }
        _acks.ObserveConfirmation(follower, confirmedBefore);
        SendEntries(follower);
    }

    /// <summary>Sends what the follower lacks, within the inflight limit, from the cache or via a log read.</summary>
    private void SendEntries(FollowerProgress follower)
    {
        var options = _core.Options;
        while (follower.Next <= _core.History.Last.Lsn && follower.InflightBytes < options.InflightBytesMax && !follower.ReadPending)
        {
            var entries = new List<LogEntry>();
            if (!_core.Cache.TryCopyRange(follower.Next, options.BatchBytesMax, entries))
            {
                follower.ReadPending = true;
                _core.Pending.LogReads.Add(new LogReadRequest(follower.Id, follower.Next, options.BatchBytesMax));
                return;
            }
            Ship(follower, entries);
        }
    }

    private void Ship(FollowerProgress follower, IReadOnlyList<LogEntry> entries)
    {
        Invariant.That(entries[0].Lsn == follower.Next, "entries are shipped contiguously");
        var batch = LogEntryBatch.Encode(entries);
        var prev = _core.PositionOf(follower.Next.Previous);
        Send(follower, new AppendEntries(_core.Self, follower.Id, _core.Epoch, prev, batch, entries.Count, _core.History.Last.Lsn, _core.Clock.Last, _core.ClientEndpoint, RequiredAck, _core.CommitLsn, _reads.Round));
        follower.Next = entries[^1].Lsn.Next;
        follower.LastProgressAtMs = _core.NowMs;
        follower.InflightBytes += batch.Length;
        _inflight[follower.Id].Enqueue((entries[^1].Lsn, batch.Length));
    }

    /// <summary>The level followers must confirm at, or null when the leader does not wait for them.</summary>
    private AckLevel? RequiredAck => _core.Settings.Ack.WaitsForFollowers ? _core.Settings.Ack.Level : null;

    /// <summary>An empty AppendEntries: "I am your leader"; it also tells a follower where we believe it is.</summary>
    private void SendHeartbeat(FollowerProgress follower)
    {
        var prev = follower.State == FollowerState.Replicating ? _core.PositionOf(follower.Match) : _core.History.Last;
        Send(follower, new AppendEntries(_core.Self, follower.Id, _core.Epoch, prev, ReadOnlyMemory<byte>.Empty, 0, _core.History.Last.Lsn, _core.Clock.Last, _core.ClientEndpoint, RequiredAck, _core.CommitLsn, _reads.Round));
    }

    private void Send(FollowerProgress follower, PeerMessage message)
    {
        follower.LastSentAtMs = _core.NowMs;
        _core.Send(message);
    }

    private bool IsSilent(FollowerProgress follower) =>
        follower.LastHeardAtMs >= 0 && _core.NowMs - follower.LastHeardAtMs > _core.Options.ResubscribeAfterMs * 2;

    private bool IsStalled(FollowerProgress follower) =>
        follower.Next.Previous > follower.Match
        && _core.NowMs - follower.LastProgressAtMs >= _core.Options.RetransmitAfterMs;

    private void RewindTo(FollowerProgress follower, Lsn next)
    {
        follower.Next = next;
        follower.InflightBytes = 0;
        follower.ReadPending = false;
        _inflight[follower.Id].Clear();
    }
}
