using Chorus.Core;
using Chorus.Replication.Membership;

namespace Chorus.Replication.SingleLeader;

/// <summary>Operator actions (run on the node's loop): settings changes, manual failover, standing for election.</summary>
public sealed partial class SingleLeaderCore
{
    /// <summary>
    /// Changes the cluster settings (leader only) by appending them to the log. Done once stored
    /// locally (not waiting for followers: the change may be the one that stops waiting for them).
    /// </summary>
    public ControlResult ChangeSettings(Func<ClusterSettings, ClusterSettings> change)
    {
        if (_leader is null)
        {
            return ControlResult.NotLeader;
        }
        ProposeSettings(change(Settings));
        return ControlResult.Done;
    }

    /// <summary>
    /// Manual failover (leader only): pause writes, wait until <paramref name="target"/> has every
    /// entry, tell it to stand for election, and step down when it wins — or give up after
    /// <paramref name="timeoutMs"/>.
    /// </summary>
    public ControlResult TransferLeadership(NodeId target, long timeoutMs) =>
        _leader is null ? ControlResult.NotLeader : _leader.BeginTransfer(target, timeoutMs);

    /// <summary>Stops a manual failover that has not handed over yet; writes resume.</summary>
    public ControlResult AbortTransfer() =>
        _leader is null ? ControlResult.NoTransfer : _leader.AbortTransfer();

    /// <summary>Stands for election now (an operator's manual failover when the leader is gone).</summary>
    public ControlResult ElectSelf()
    {
        if (_leader is not null)
        {
            return ControlResult.AlreadyLeader;
        }
        if (!IsVoter)
        {
            return ControlResult.NotVoter;
        }
        _elections.Campaign.Begin(preVote: false, transfer: true);
        return ControlResult.Done;
    }
}
