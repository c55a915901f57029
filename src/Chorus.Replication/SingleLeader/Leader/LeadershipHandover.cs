using Chorus.Core;
using Chorus.Replication.Membership;
using Chorus.Replication.Messages;
using Chorus.Replication.Progress;

namespace Chorus.Replication.SingleLeader;

/// <summary>
/// Leadership transfer (Redis's FAILOVER, etcd raft's leader transfer): writes pause, the target
/// catches up, it is told to stand for election at once (TimeoutNow), and the leader steps down
/// when it wins — or the transfer gives up at its deadline and writes resume.
/// </summary>
internal sealed class LeadershipHandover(ILeaderHost core, Action<FollowerProgress, PeerMessage> send)
{
    public LeadershipTransfer? Transfer { get; private set; }

    /// <summary>Starts a transfer to <paramref name="target"/> (<paramref name="targetRole"/>: null when it is not a follower).</summary>
    public ControlResult Begin(NodeId target, MemberRole? targetRole, long timeoutMs)
    {
        if (Transfer is not null)
        {
            return ControlResult.TransferInProgress;
        }
        if (target == core.Self)
        {
            return ControlResult.AlreadyLeader;
        }
        if (targetRole != MemberRole.Voter)
        {
            return ControlResult.TargetNotVotingFollower;
        }
        Transfer = new LeadershipTransfer(target, core.NowMs + timeoutMs);
        core.Notice($"manual failover to {target} started: writes are paused until it hands over (at most {timeoutMs} ms)");
        return ControlResult.Done;
    }

    public ControlResult Abort()
    {
        if (Transfer is null || Transfer.HandedOver)
        {
            return Transfer is null ? ControlResult.NoTransfer : ControlResult.AlreadyHandedOver;
        }
        Transfer = null;
        return ControlResult.Done;
    }

    /// <summary>Hands over once the target holds every entry; gives up at the deadline.</summary>
    public void Continue(Func<NodeId, FollowerProgress?> follower)
    {
        if (Transfer is not { } transfer)
        {
            return;
        }
        if (core.NowMs >= transfer.DeadlineMs)
        {
            Transfer = null; // the target did not catch up or win in time: writes resume here
            return;
        }
        if (!transfer.HandedOver && follower(transfer.Target) is { } target && target.Match >= core.History.Last.Lsn && core.Appended >= core.History.Last.Lsn)
        {
            transfer.HandedOver = true;
            core.Notice($"{transfer.Target} holds every entry: it is told to stand for election");
            send(target, new TimeoutNow(core.Self, target.Id, core.Epoch));
        }
    }
}
