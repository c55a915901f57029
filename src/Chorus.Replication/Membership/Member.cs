using Chorus.Core;

namespace Chorus.Replication.Membership;

/// <summary>Whether a member counts in quorums (and, later, elections).</summary>
public enum MemberRole : byte
{
    /// <summary>A full follower: counts for sync acknowledgement and (later) votes.</summary>
    Voter = 0,

    /// <summary>Still catching up (DESIGN §4.3): receives the log, counts for nothing.</summary>
    Learner = 1,
}

/// <summary>A cluster member: its id, where peers reach it, where clients reach it, its role.</summary>
public sealed record Member(NodeId Id, string PeerAddress, string ClientEndpoint, MemberRole Role);
