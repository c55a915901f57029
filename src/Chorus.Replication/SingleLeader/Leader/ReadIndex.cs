using Chorus.Core;
using Chorus.Replication.Messages;

namespace Chorus.Replication.SingleLeader;

/// <summary>
/// Linearizable reads at the leader (Raft thesis §6.4): a read's index is the end of the leader's
/// log when it arrives; it is served once the leader has confirmed that it still led after the
/// read arrived — a majority echoed a read round that began later (a read index), or a read lease
/// held when it arrived — and once everything up to the index is committed. Rounds are batched:
/// every read that arrives before a round begins is confirmed by it. Reads come from this node's
/// host or, as <see cref="ReadIndexRequest"/>, from followers.
/// <para>
/// The lease: when a majority echoes round r, no other leader can be elected until round r's
/// start plus an election timeout, because each of them refuses to vote for that long after
/// hearing from this leader (leader stickiness; a restarted node waits too, see
/// <see cref="ReplicationOptions.ReadLease"/>). The lease is a margin shorter, and never used
/// while a FAILOVER hands leadership over (the target's election ignores stickiness).
/// </para>
/// </summary>
internal sealed class ReadIndex(ILeaderHost core)
{
    private const int RecentRoundsMax = 64;

    private readonly List<PendingRead> _pending = [];
    private readonly Queue<(ulong Round, long StartedAtMs)> _recentRounds = new();
    private ulong _round;
    private bool _roundWanted;
    private long _lastRoundAtMs = long.MinValue;
    private long _lastReadAtMs = long.MinValue;
    private long _leaseUntilMs = long.MinValue;

    /// <summary>The latest read round begun (heartbeats carry it).</summary>
    public ulong Round => _round;

    /// <summary>Reads waiting for confirmation or commitment.</summary>
    public int Count => _pending.Count;

    /// <summary>Linearizable reads served without a quorum round, thanks to the lease.</summary>
    public long LeaseReads { get; private set; }

    /// <summary>Linearizable reads confirmed by a quorum round.</summary>
    public long RoundReads { get; private set; }

    /// <summary>
    /// A round should begin now: reads wait for one, or — with a lease, while reads keep coming —
    /// the lease is renewed once per heartbeat interval so that reads rarely wait.
    /// </summary>
    public bool RoundDue =>
        _roundWanted
        || (core.Options.ReadLease && core.NowMs - _lastReadAtMs < core.Options.ReadLeaseMs && core.NowMs - _lastRoundAtMs >= core.Options.HeartbeatIntervalMs);

    /// <summary>Whether the read lease holds now.</summary>
    public bool LeaseHolds(bool transferring) => core.Options.ReadLease && !transferring && core.NowMs < _leaseUntilMs;

    /// <summary>A read arrived: from this node's host (<paramref name="follower"/> null) or from a follower.</summary>
    public void Request(ReadRequestId id, NodeId? follower, bool transferring)
    {
        _lastReadAtMs = core.NowMs;
        var byLease = LeaseHolds(transferring);
        var needed = byLease ? 0 : _round + 1;
        _roundWanted |= !byLease;
        _pending.Add(new PendingRead(id, follower, core.History.Last.Lsn, needed, core.NowMs, byLease));
    }

    /// <summary>Begins a round when reads wait for one (or, with a lease, to renew it every heartbeat); <paramref name="heartbeatAll"/> sends it.</summary>
    public void BeginRoundIfWanted(Action heartbeatAll)
    {
        if (!RoundDue)
        {
            return;
        }
        _roundWanted = false;
        _round++;
        _lastRoundAtMs = core.NowMs;
        _recentRounds.Enqueue((_round, core.NowMs));
        while (_recentRounds.Count > RecentRoundsMax)
        {
            _recentRounds.Dequeue();
        }
        heartbeatAll();
    }

    /// <summary>
    /// A majority has echoed <paramref name="quorumRound"/> and everything up to
    /// <paramref name="commit"/> is committed: serve what is confirmed, renew the lease.
    /// </summary>
    public void Advance(ulong quorumRound, Lsn commit)
    {
        foreach (var (round, startedAtMs) in _recentRounds)
        {
            if (round <= quorumRound)
            {
                _leaseUntilMs = Math.Max(_leaseUntilMs, startedAtMs + core.Options.ReadLeaseMs);
            }
        }
        for (var i = 0; i < _pending.Count; i++)
        {
            var read = _pending[i];
            if (read.NeededRound <= quorumRound && commit >= read.Index)
            {
                _pending.RemoveAt(i--);
                if (read.ByLease)
                {
                    LeaseReads++;
                }
                else
                {
                    RoundReads++;
                }
                Complete(read, core.PositionOf(commit));
            }
        }
    }

    /// <summary>Reads that waited longer than the read timeout are refused (the client retries).</summary>
    public void ExpireDue()
    {
        var timeout = core.Options.EffectiveReadTimeoutMs;
        for (var i = 0; i < _pending.Count; i++)
        {
            if (core.NowMs - _pending[i].RequestedAtMs >= timeout)
            {
                var read = _pending[i];
                _pending.RemoveAt(i--);
                Refuse(read, new ReadNotConfirmed(timeout));
            }
        }
    }

    /// <summary>Leadership ended: no waiting read can be confirmed any more.</summary>
    public void FailAll(ProposalOutcome reason)
    {
        foreach (var read in _pending)
        {
            Refuse(read, reason);
        }
        _pending.Clear();
    }

    private void Complete(PendingRead read, LogPosition committed)
    {
        if (read.Follower is { } follower)
        {
            core.Send(new ReadIndexResponse(core.Self, follower, core.Epoch, read.Id.Value, committed));
        }
        else
        {
            core.CompleteRead(new ReadCompletion(read.Id, new ReadAt(committed)));
        }
    }

    private void Refuse(PendingRead read, ProposalOutcome reason)
    {
        if (read.Follower is { } follower)
        {
            core.Send(new ReadIndexResponse(core.Self, follower, core.Epoch, read.Id.Value, null));
        }
        else
        {
            core.CompleteRead(new ReadCompletion(read.Id, new ReadRefused(reason)));
        }
    }

    private sealed record PendingRead(ReadRequestId Id, NodeId? Follower, Lsn Index, ulong NeededRound, long RequestedAtMs, bool ByLease);
}
