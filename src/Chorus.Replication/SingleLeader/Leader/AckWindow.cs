using Chorus.Core;
using Chorus.Replication.Progress;
using Chorus.Replication.Quorum;

namespace Chorus.Replication.SingleLeader;

/// <summary>
/// Decides, on the leader, which writes may be acknowledged under the cluster's
/// <see cref="AckPolicy"/>, and what happens when followers do not confirm in time: fail the
/// writes (and refuse new ones while too few followers are connected), or degrade to async
/// until the followers catch up again.
/// </summary>
internal sealed class AckWindow(ILeaderHost core)
{
    private Lsn _degradedAt;
    private Lsn _timedOutThrough;

    public AckState State { get; } = new();

    /// <summary>
    /// Writes up to <paramref name="lsn"/> are not this leader's to time out: it inherited them
    /// (or opened its epoch with them), and no client waits on it for them. Counting them made a
    /// new leader report its whole log as timed-out writes (issue 17, finding 7).
    /// </summary>
    public void CountAfter(Lsn lsn) => _timedOutThrough = Lsn.Max(_timedOutThrough, lsn);

    private AckPolicy Policy => core.Settings.Ack;

    public Lsn AckedLsn(IEnumerable<FollowerProgress> voters) =>
        !Policy.WaitsForFollowers || State.IsDegraded
            ? core.Appended
            : Lsn.Min(core.Appended, AckTracker.QuorumLsn(Policy, voters.Select(f => f.ConfirmedAt(Policy.Level))));

    /// <summary>Like Redis's min-replicas-to-write: refuse a write up front rather than fail it later.</summary>
    public bool WritesRefused(IEnumerable<FollowerProgress> voters)
    {
        if (!Policy.WaitsForFollowers || Policy.OnTimeout != AckTimeoutAction.Fail)
        {
            return false;
        }
        var all = voters.ToArray();
        var streaming = all.Count(f => f.State == FollowerState.Replicating);
        return streaming < AckTracker.Required(Policy, all.Length);
    }

    public void Tick(IEnumerable<FollowerProgress> voters)
    {
        if (!Policy.WaitsForFollowers)
        {
            State.IsDegraded = false;
            return;
        }
        var quorum = AckTracker.QuorumLsn(Policy, voters.Select(f => f.ConfirmedAt(Policy.Level)));
        if (State.IsDegraded)
        {
            TryRecover(quorum);
            return;
        }
        var acked = Lsn.Min(core.Appended, quorum);
        if (acked >= core.Appended || !IsOverdue(acked.Next))
        {
            return;
        }
        if (Policy.OnTimeout == AckTimeoutAction.Degrade)
        {
            State.IsDegraded = true;
            State.DegradedSinceMs = core.NowMs;
            State.Degradations++;
            _degradedAt = core.Appended;
            return;
        }
        FailOverdue(acked);
    }

    /// <summary>Updates the follower's ack latency; a degraded leader may recover.</summary>
    public void ObserveConfirmation(FollowerProgress follower, Lsn confirmedBefore)
    {
        var confirmed = follower.ConfirmedAt(Policy.Level);
        if (confirmed > confirmedBefore && core.EntryTimestamp(confirmed) is { } committed)
        {
            var latency = Math.Max(0, core.NowMs - committed.PhysicalMs);
            follower.AckLatencyMs = follower.AckLatencyMs == 0 ? latency : (0.8 * follower.AckLatencyMs) + (0.2 * latency);
        }
    }

    /// <summary>Back to waiting for followers once they hold everything written before the degradation and keep up.</summary>
    private void TryRecover(Lsn quorum)
    {
        if (quorum >= _degradedAt && (quorum >= core.Appended || !IsOverdue(quorum.Next, Policy.TimeoutMs / 2)))
        {
            State.IsDegraded = false;
        }
    }

    private void FailOverdue(Lsn acked)
    {
        var through = Lsn.Max(acked, _timedOutThrough);
        while (through < core.Appended && IsOverdue(through.Next))
        {
            through = through.Next;
        }
        if (through > _timedOutThrough && through > acked)
        {
            State.TimedOutWrites += (long)through.DistanceFrom(Lsn.Max(acked, _timedOutThrough));
            _timedOutThrough = through;
            var required = AckTracker.Required(Policy, core.Settings.Voters.Count() - 1);
            core.Complete(new ProposalCompletion(SingleLeaderCore.IdOf(through), new NotConfirmed(required, Policy)));
        }
    }

    /// <summary>The entry at <paramref name="lsn"/> was committed more than the timeout ago (entries no longer cached are old).</summary>
    private bool IsOverdue(Lsn lsn, int? timeoutMs = null)
    {
        var committed = core.EntryTimestamp(lsn);
        return committed is null || core.NowMs - committed.Value.PhysicalMs >= (timeoutMs ?? Policy.TimeoutMs);
    }
}
