using Chorus.Core;
using Chorus.Core.Versions;

namespace Chorus.Replication.Leaderless.Messages;

/// <summary>
/// A message between leaderless nodes. Every message carries the sender's ring version, so a
/// node that hears of a newer ring asks for it (membership spreads by gossip). Messages may be
/// lost, duplicated or reordered: every request is retried or times out, and storing versions is
/// a merge, so applying one twice changes nothing.
/// </summary>
public abstract record LeaderlessMessage(long RingVersion);

/// <summary>Liveness: "I am up" (and my ring version). Answered with <see cref="Pong"/>.</summary>
public sealed record Ping(long RingVersion) : LeaderlessMessage(RingVersion);

public sealed record Pong(long RingVersion) : LeaderlessMessage(RingVersion);

/// <summary>
/// Merge <paramref name="Versions"/> (wire form) into your copy of <paramref name="Key"/> and
/// confirm with <see cref="Stored"/> once it is stored. <paramref name="HintFor"/>: you stand in
/// for that home node (sloppy quorum): keep it as a hint and hand it over when the home returns.
/// <paramref name="RequestId"/> 0 asks for no confirmation (read repair).
/// </summary>
public sealed record Store(long RingVersion, ulong RequestId, byte[] Key, byte[] Versions, NodeId? HintFor) : LeaderlessMessage(RingVersion);

/// <summary>The versions sent with <paramref name="RequestId"/> for <paramref name="Key"/> are stored (merged) here.</summary>
public sealed record Stored(long RingVersion, ulong RequestId, byte[] Key) : LeaderlessMessage(RingVersion);

/// <summary>Send me your versions of <paramref name="Keys"/> (a read's replicas).</summary>
public sealed record Fetch(long RingVersion, ulong RequestId, IReadOnlyList<byte[]> Keys) : LeaderlessMessage(RingVersion);

/// <summary>Your versions of each key asked for, in order (an empty set for a key you do not hold).</summary>
public sealed record Fetched(long RingVersion, ulong RequestId, IReadOnlyList<byte[]> Versions) : LeaderlessMessage(RingVersion);

/// <summary>
/// A node that is not a home replica of <paramref name="Key"/> hands a client's write to one that
/// is (only home replicas mint dots for a key). <paramref name="Value"/> null deletes;
/// <paramref name="Context"/> null means "what you, the coordinator, have seen".
/// </summary>
public sealed record Coordinate(long RingVersion, ulong RequestId, byte[] Key, byte[]? Value, VersionVector? Context, int N, int W, long ExpiresAtMs = 0) : LeaderlessMessage(RingVersion);

/// <summary>What a coordinated write came to: <paramref name="Status"/> and the details the contact node needs to answer its client.</summary>
public sealed record Coordinated(long RingVersion, ulong RequestId, CoordinatedStatus Status, byte[] Versions, bool WasLive, int Required, int Replied, int Asked, long WaitedMs, string Reason) : LeaderlessMessage(RingVersion);

public enum CoordinatedStatus : byte
{
    Acknowledged = 0,
    QuorumNotReached = 1,
    Refused = 2,
    NoCoordinator = 3,
}

/// <summary>
/// Anti-entropy: levels of this sender's Merkle trees (one per range, each a
/// <see cref="MerkleLevelCodec"/> message), for the receiver to compare with its own.
/// <paramref name="Session"/> names the comparison; <paramref name="Reply"/> marks the receiver's
/// answers, so that each side knows whose turn it is.
/// </summary>
public sealed record TreeLevels(long RingVersion, ulong Session, bool Reply, IReadOnlyList<MerkleLevel> Levels) : LeaderlessMessage(RingVersion);

/// <summary>
/// Keys (and their versions, wire form) in <paramref name="Ranges"/>, for the receiver to merge:
/// anti-entropy repairing leaves that differ, or a range streamed to a new owner.
/// <paramref name="Last"/>: no more keys follow for these ranges; <paramref name="SendYours"/>:
/// then send back yours in the same ranges (the other half of a repair).
/// </summary>
public sealed record RangeKeys(long RingVersion, ulong Session, IReadOnlyList<HashRange> Ranges, IReadOnlyList<(byte[] Key, byte[] Versions)> Keys, bool Last, bool SendYours) : LeaderlessMessage(RingVersion);

/// <summary>
/// Stream me every key you hold in <paramref name="Ranges"/> (ranges this node gained in a
/// membership change, which you held before it). Served only by a node on the same ring version,
/// so the copy it sends is taken after it stopped counting writes under the older ring.
/// </summary>
public sealed record StreamRange(long RingVersion, ulong Session, IReadOnlyList<HashRange> Ranges) : LeaderlessMessage(RingVersion);

/// <summary>
/// The handover of a membership change to ring <see cref="LeaderlessMessage.RingVersion"/>:
/// <paramref name="Received"/> true says "I received every range I gained" (sent to every node
/// when it happens, and in answer to a question); false asks "have you?" (a node still waiting).
/// </summary>
public sealed record Handover(long RingVersion, bool Received) : LeaderlessMessage(RingVersion);

/// <summary>
/// Tombstone collection: every home replica of <paramref name="Key"/> stored its deletion, whose
/// causal context is <paramref name="Context"/>, at least the grace period ago. Remove your record
/// of the key if it is still exactly that deletion (tombstones only, the same context: nothing
/// newer arrived), and drop hints for it that the deletion superseded. Never answered.
/// </summary>
public sealed record Reap(long RingVersion, byte[] Key, VersionVector Context) : LeaderlessMessage(RingVersion);

/// <summary>The sender's ring (members, their addresses, version): adopt it if it is newer than yours.</summary>
public sealed record RingUpdate(long RingVersion, byte[] Ring) : LeaderlessMessage(RingVersion);
