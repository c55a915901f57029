using Chorus.Core;
using Chorus.Node;
using Chorus.Replication.Membership;
using Chorus.Replication.MultiLeader;
using Chorus.Replication.SingleLeader;

namespace Chorus.Server.Commands;

/// <summary>
/// Operator commands of single-leader replication (FAILOVER, CHORUS.ELECT, settings changes),
/// run on the node's loop against its core, and the Redis wording of their outcomes.
/// </summary>
internal static class LeadershipControl
{
    public static Task<string?> TransferAsync(NodeServices node, NodeId target, long timeoutMs) =>
        RunAsync(node, core => Text(core.TransferLeadership(target, timeoutMs), core, target));

    public static Task<string?> AbortTransferAsync(NodeServices node) =>
        RunAsync(node, core => Text(core.AbortTransfer(), core, null));

    public static Task<string?> ElectSelfAsync(NodeServices node) =>
        RunAsync(node, core => Text(core.ElectSelf(), core, null));

    /// <summary>Appends a settings change to the log (leader only); null once stored locally, else the error.</summary>
    public static Task<string?> ChangeSettingsAsync(NodeServices node, Func<ClusterSettings, ClusterSettings> change) =>
        RunAsync(node, core =>
        {
            try
            {
                return core.ChangeSettings(change) == ControlResult.Done ? null : SettingsOnLeaderOnly(core);
            }
            catch (ArgumentException e)
            {
                return "ERR " + e.Message;
            }
        });

    private static async Task<string?> RunAsync(NodeServices node, Func<SingleLeaderCore, string?> action)
    {
        var completion = new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously);
        // Multi-leader: these act on the single-leader group of the node's own site.
        node.Inbox.Post(new AdminInput(
            core => (core as SingleLeaderCore ?? (core as MultiLeaderCore)?.SiteCore) is { } single ? action(single) : "ERR this command needs a leader-based replication family",
            completion));
        return await completion.Task.ConfigureAwait(false);
    }

    private static string? Text(ControlResult result, SingleLeaderCore core, NodeId? target) => result switch
    {
        ControlResult.Done => null,
        ControlResult.NotLeader => core.Admission.Refusal is { } refusal ? OutcomeText.Error(refusal) : "ERR this node is not the leader",
        ControlResult.AlreadyLeader => "ERR this node is already the leader",
        ControlResult.TransferInProgress => "ERR FAILOVER already in progress.",
        ControlResult.TargetNotVotingFollower => $"ERR FAILOVER target {target} is not a voting follower",
        ControlResult.NoTransfer => "ERR No failover in progress.",
        ControlResult.AlreadyHandedOver => "ERR Failover already handed over; it can no longer be aborted.",
        ControlResult.NotVoter => "ERR only a voting member can stand for election",
        _ => $"ERR {result}",
    };

    private static string SettingsOnLeaderOnly(SingleLeaderCore core) =>
        core.Leader is { } leader
            ? $"READONLY cluster settings are changed on the leader ({leader}); send this command there"
            : "TRYAGAIN no leader is known yet (an election may be under way); retry";
}
