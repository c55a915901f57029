using Chorus.Core;
using Chorus.Replication.Quorum;

namespace Chorus.Replication;

/// <summary>
/// What became of a client proposal, or why none is accepted right now: values, never text. The
/// RESP edge (Chorus.Node's OutcomeText) turns them into Redis wording.
/// </summary>
public abstract record ProposalOutcome
{
    /// <summary>Whether the write may have been applied although it did not succeed (a retry could apply it twice).</summary>
    public virtual bool InDoubt => false;
}

/// <summary>Acknowledged under the cluster's acknowledgement policy.</summary>
public sealed record Committed : ProposalOutcome
{
    public static readonly Committed Instance = new();
}

/// <summary>Refused: this node follows <paramref name="Leader"/> in <paramref name="Epoch"/>.</summary>
public sealed record NotLeader(NodeId Leader, Epoch Epoch) : ProposalOutcome;

/// <summary>Refused: no leader is known. <paramref name="LastStepDown"/>: why this node stopped leading, when it just did.</summary>
public sealed record NoLeader(Epoch Epoch, StepDownReason? LastStepDown) : ProposalOutcome;

/// <summary>Refused up front: too few followers are connected for the acknowledgement policy (Redis's min-replicas-to-write).</summary>
public sealed record NoReplicas : ProposalOutcome
{
    public static readonly NoReplicas Instance = new();
}

/// <summary>Applied on the leader, but not confirmed by <paramref name="FollowersRequired"/> followers in time.</summary>
public sealed record NotConfirmed(int FollowersRequired, AckPolicy Policy) : ProposalOutcome
{
    public override bool InDoubt => true;
}

/// <summary>
/// Leadership changed while the write waited: it moved to <paramref name="NewLeader"/> (when
/// known) in <paramref name="Epoch"/>, or this node stopped leading for <paramref name="Reason"/>.
/// <paramref name="MayHaveApplied"/>: the write was proposed and may survive (a FAILOVER-paused
/// write never was).
/// </summary>
public sealed record LeadershipLost(NodeId? NewLeader, Epoch Epoch, StepDownReason? Reason, bool MayHaveApplied) : ProposalOutcome
{
    public override bool InDoubt => MayHaveApplied;

    /// <summary>A write that never ran because leadership moved (a refusal taken as the reason).</summary>
    public static LeadershipLost NotApplied(ProposalOutcome refusal) => refusal switch
    {
        NotLeader notLeader => new LeadershipLost(notLeader.Leader, notLeader.Epoch, null, MayHaveApplied: false),
        NoLeader noLeader => new LeadershipLost(null, noLeader.Epoch, noLeader.LastStepDown, MayHaveApplied: false),
        _ => new LeadershipLost(null, Epoch.Zero, null, MayHaveApplied: false),
    };
}

/// <summary>The node is stopping; <paramref name="MayHaveApplied"/> as for <see cref="LeadershipLost"/>.</summary>
public sealed record NodeStopping(bool MayHaveApplied) : ProposalOutcome
{
    public override bool InDoubt => MayHaveApplied;
}

/// <summary>A follower could not reach the leader it forwards to; nothing was applied.</summary>
public sealed record LeaderUnreachable(NodeId Leader) : ProposalOutcome;

/// <summary>A follower forwarded the write but heard nothing back in time: it may or may not have been applied.</summary>
public sealed record ForwardTimedOut(NodeId Leader) : ProposalOutcome
{
    public override bool InDoubt => true;
}

/// <summary>
/// A write whose key has its home at <paramref name="Home"/> (another site) could not be made
/// there: the site is unreachable — no connection to <paramref name="Leader"/>, the link is cut,
/// or that site refused it (<paramref name="Reason"/>: it has no leader now). Nothing was applied.
/// </summary>
public sealed record HomeUnreachable(NodeId Home, NodeId? Leader, string? Reason = null) : ProposalOutcome;

/// <summary>A write routed to its home site <paramref name="Home"/> got no answer in time: it may or may not have been applied there.</summary>
public sealed record HomeTimedOut(NodeId Home, NodeId Leader) : ProposalOutcome
{
    public override bool InDoubt => true;
}

/// <summary>A follower refuses writes (the configured replica-write policy); <paramref name="Leader"/> when known, for a redirect.</summary>
public sealed record ReplicaRefuses(NodeId? Leader, string? LeaderClientEndpoint, bool Redirect) : ProposalOutcome;

/// <summary>A request a core served itself (<see cref="IRequestCore"/>) succeeded with <paramref name="Result"/>.</summary>
public sealed record Answered(Chorus.Core.Requests.RequestResult Result) : ProposalOutcome;

/// <summary>
/// Too few replicas answered a quorum request in time: <paramref name="Replied"/> of the
/// <paramref name="Required"/> needed (of <paramref name="Asked"/> asked) within
/// <paramref name="WaitedMs"/>. A write may still be stored on the replicas that did answer.
/// </summary>
public sealed record QuorumNotReached(bool IsWrite, int Required, int Replied, int Asked, long WaitedMs) : ProposalOutcome
{
    public override bool InDoubt => IsWrite;
}

/// <summary>No replica that may coordinate the key's write (its home nodes: <paramref name="Homes"/>) is reachable; nothing was written.</summary>
public sealed record NoCoordinator(IReadOnlyList<NodeId> Homes) : ProposalOutcome;

/// <summary>The node a write was handed to (<paramref name="Coordinator"/>) did not answer in time: it may or may not have stored it.</summary>
public sealed record CoordinatorTimedOut(NodeId Coordinator, long WaitedMs) : ProposalOutcome
{
    public override bool InDoubt => true;
}

/// <summary>The request cannot be served as asked (<paramref name="Reason"/> in plain words, e.g. W larger than N).</summary>
public sealed record RequestRefused(string Reason) : ProposalOutcome;

/// <summary>Why a leader stopped leading, for logs, INFO and the errors of the writes it held.</summary>
public abstract record StepDownReason
{
    /// <summary>A plain-English explanation (log lines, INFO's chorus_last_step_down).</summary>
    public abstract string Describe();
}

/// <summary>The check-quorum lease ran out: it heard from too few voters within an election timeout.</summary>
public sealed record LostQuorum(NodeId Self, int Heard, int Voters, long WindowMs) : StepDownReason
{
    public override string Describe() =>
        $"{Self} lost contact with a majority of the cluster (heard from {Heard} of {Voters} voters in the last {WindowMs} ms), so it stopped leading";
}

/// <summary>Another node started a newer epoch (an election, or a leader it had not heard of).</summary>
public sealed record NewerEpoch : StepDownReason
{
    public static readonly NewerEpoch Instance = new();

    public override string Describe() => "a newer epoch began";
}

/// <summary>A deliberate handover (FAILOVER TO): the target was told to stand for election.</summary>
public sealed record HandedOver(NodeId Target) : StepDownReason
{
    public override string Describe() => $"it handed leadership to {Target} (FAILOVER)";
}

/// <summary>Whether the core takes proposals right now.</summary>
public readonly record struct Admission(AdmissionKind Kind, ProposalOutcome? Refusal)
{
    public static readonly Admission Accept = new(AdmissionKind.Accept, null);

    /// <summary>Proposals must wait (a FAILOVER hands over leadership): hold them until the core decides.</summary>
    public static readonly Admission Hold = new(AdmissionKind.Hold, null);

    public static Admission Refuse(ProposalOutcome refusal) => new(AdmissionKind.Refuse, refusal);
}

public enum AdmissionKind
{
    Accept,
    Hold,
    Refuse,
}
