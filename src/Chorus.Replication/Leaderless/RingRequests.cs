using Chorus.Core;
using Chorus.Core.Requests;

namespace Chorus.Replication.Leaderless;

/// <summary>
/// The core's side of CHORUS.RING (<see cref="RingRequest"/>; the command itself is Chorus.Commands'
/// RingCommand): show the ring, or start a membership change — a new ring one
/// version up with the node added or removed, which this node adopts and spreads
/// (<see cref="Membership.Change"/>). One change at a time: while a handover is under way here,
/// another change is refused, so every range always moves between two rings, never three.
/// </summary>
internal static class RingRequests
{
    public static ProposalOutcome Serve(RingRequest request, LeaderlessContext context, Membership membership)
    {
        if (request.Operation != RingOperation.Show && Refusal(request, context, membership) is { } refusal)
        {
            return new RequestRefused(refusal);
        }
        switch (request.Operation)
        {
            case RingOperation.Add:
                membership.Change(context.Config.With(new RingMember(request.Node, request.PeerAddress, request.ClientEndpoint)));
                break;
            case RingOperation.Remove:
                membership.Change(context.Config.Without(request.Node));
                break;
        }
        return new Answered(Show(context, membership));
    }

    /// <summary>The share of the key space <paramref name="node"/> holds as any of its N replicas, 0 to 1.</summary>
    public static double ReplicaShare(HashRing ring, int n, NodeId node) =>
        ring.ReplicatedRanges(n).Where(r => r.Replicas.Contains(node)).Sum(r => (double)r.Range.Width / KeyHash.SpaceEnd);

    private static RingShown Show(LeaderlessContext context, Membership membership)
    {
        var primary = context.Ring.PrimaryShares();
        var members = context.Config.Members
            .OrderBy(m => m.Id.Value, StringComparer.Ordinal)
            .Select(m => new RingMemberView(m.Id, m.PeerAddress, m.ClientEndpoint, primary.GetValueOrDefault(m.Id), ReplicaShare(context.Ring, context.Settings.N, m.Id),
                Joining: context.PreviousConfig is { } before && before.Find(m.Id) is null))
            .ToList();
        var leaving = context.PreviousConfig?.Ids.Where(id => context.Config.Find(id) is null).ToList() ?? [];
        return new RingShown(context.Config.Version, members, leaving, membership.AwaitedGainers, membership.RangesPending);
    }

    private static string? Refusal(RingRequest request, LeaderlessContext context, Membership membership)
    {
        if (!context.IsMember)
        {
            return $"{context.Self} is not a member of the ring (v{context.Config.Version}): ask a member";
        }
        if (context.Previous is not null)
        {
            var waiting = membership.AwaitedGainers;
            return $"a membership change is under way (ring v{context.Config.Version}; waiting for {(waiting.Count == 0 ? "the handover" : string.Join(", ", waiting) + " to receive their ranges")}): try again once it completes";
        }
        var member = context.Config.Find(request.Node);
        if (request.Operation == RingOperation.Add)
        {
            return member is not null ? $"{request.Node} is already a member of the ring" : null;
        }
        if (member is null)
        {
            return $"{request.Node} is not a member of the ring";
        }
        return context.Config.Members.Count - 1 < context.Settings.N
            ? $"removing {request.Node} would leave {context.Config.Members.Count - 1} nodes, fewer than N ({context.Settings.N})"
            : null;
    }
}
