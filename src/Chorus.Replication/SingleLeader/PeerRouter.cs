using Chorus.Core;
using Chorus.Core.Encoding;
using Chorus.Core.Messaging;
using Chorus.Replication.Messages;

namespace Chorus.Replication.SingleLeader;

/// <summary>
/// The single-leader core's Step (after etcd raft's): decodes a message, fences it by epoch (an
/// older epoch is told about the newer one; a newer epoch makes this node follow), and hands it
/// to whoever it is for — the campaign, the follower role, or the leader role. It is the core's
/// own Step, split out for size (not a role): it takes the core because it routes by the core's
/// role state and moves it between roles.
/// </summary>
internal sealed class PeerRouter(SingleLeaderCore core, ElectionDriver elections, FollowerRole follower)
{
    /// <summary>A message from a peer, decoded with this family's codec; bad input is refused with a warning notice.</summary>
    public void Step(Envelope message)
    {
        PeerMessage decoded;
        try
        {
            decoded = PeerMessageCodec.Decode(message.Bytes);
        }
        catch (CorruptDataException e)
        {
            core.Warn($"refused a {core.Family} message from {message.From}: {e.Message}");
            return;
        }
        if (decoded.From != message.From)
        {
            core.Warn($"refused a message that claims to come from {decoded.From} but arrived from {message.From}");
            return;
        }
        Step(decoded);
    }

    public void Step(PeerMessage message)
    {
        if (message.To != core.Self)
        {
            return;
        }
        if (!message.Epoch.HasNext)
        {
            // Adopting it would leave no epoch for the next election (the codec already refuses
            // anything beyond Epoch.Max; this guards the simulator's path and Max itself).
            core.Warn($"refused a message from {message.From} in epoch {message.Epoch}: no epoch could follow it");
            return;
        }
        switch (message)
        {
            case RequestVote { PreVote: true } preVote:
                elections.Campaign.OnPreVoteRequest(preVote.From, preVote.Epoch, preVote.Last, preVote.Transfer);
                return;
            case VoteResponse { PreVote: true } preVoteResponse:
                elections.Campaign.OnResponse(preVoteResponse.From, preVoteResponse.Epoch, preVoteResponse.Granted, preVote: true);
                return;
            case RequestVote vote when vote.Epoch > core.Epoch && !vote.Transfer && elections.HeardFromLeaderRecently():
                return; // leader stickiness: a healthy leader is not deposed by a node that lost touch
        }
        if (message.Epoch < core.Epoch)
        {
            RejectStale(message);
            return;
        }
        if (message.Epoch > core.Epoch)
        {
            core.BecomeFollower(message.Epoch, IsFromLeader(message) ? message.From : null);
        }
        Dispatch(message);
    }

    private void Dispatch(PeerMessage message)
    {
        switch (message)
        {
            case RequestVote vote:
                elections.Campaign.OnVoteRequest(vote.From, vote.Last);
                break;
            case VoteResponse response:
                elections.Campaign.OnResponse(response.From, response.Epoch, response.Granted, preVote: false);
                break;
            case TimeoutNow when core.LeaderState is null && message.From == core.Leader:
                elections.Campaign.Begin(preVote: false, transfer: true);
                break;
            case AppendEntries or TruncateLog or InstallSnapshot:
                FromLeader(message);
                break;
            case Subscribe or AppendResponse or FreshnessRequest:
                core.LeaderState?.Step(message);
                break;
            case ReadIndexRequest request when core.LeaderState is { } leader:
                leader.RequestRead(new ReadRequestId(request.RequestId), request.From);
                break;
            case ReadIndexRequest request:
                core.Send(new ReadIndexResponse(core.Self, request.From, core.Epoch, request.RequestId, null));
                break;
            case ReadIndexResponse response:
                follower.Reads.OnResponse(response);
                break;
        }
    }

    /// <summary>Only the leader of an epoch sends these; two leaders in one epoch would be a safety bug.</summary>
    private void FromLeader(PeerMessage message)
    {
        Invariant.That(core.LeaderState is null, $"two leaders in epoch {core.Epoch}: {core.Self} and {message.From}");
        if (core.Leader is null || core.Role == NodeRole.Candidate)
        {
            core.BecomeFollower(core.Epoch, message.From);
        }
        Invariant.That(core.Leader == message.From, $"two leaders in epoch {core.Epoch}: {core.Leader} and {message.From}");
        elections.ResetTimer();
        follower.Step(message);
    }

    /// <summary>Tell a node from an older epoch about the newer one, so a stale leader or candidate steps down.</summary>
    private void RejectStale(PeerMessage message)
    {
        switch (message)
        {
            case RequestVote vote:
                core.Send(new VoteResponse(core.Self, vote.From, core.Epoch, Granted: false, PreVote: false));
                break;
            case AppendEntries or TruncateLog or InstallSnapshot or TimeoutNow:
                core.Send(new AppendResponse(core.Self, message.From, core.Epoch, core.PositionOf(core.Appended), core.Flushed, core.History.Last.Lsn));
                break;
        }
    }

    private static bool IsFromLeader(PeerMessage message) => message is AppendEntries or TruncateLog or InstallSnapshot or TimeoutNow;
}
