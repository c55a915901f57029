using Chorus.Core.Versions;

namespace Chorus.Core.Requests;

/// <summary>
/// A client request a replication core serves itself, rather than a payload it appends: a read
/// that must consult other replicas, or a write acknowledged by a quorum (leaderless). The
/// command layer turns RESP commands into requests and renders their results; the core decides
/// who is asked and when the request is answered.
/// </summary>
public abstract record ClientRequest(QuorumOverrides Quorum);

/// <summary>Reads the versions of <paramref name="Keys"/> (MGET reads several: each key is answered by its own replicas).</summary>
public sealed record KeyRead(IReadOnlyList<byte[]> Keys, QuorumOverrides Quorum) : ClientRequest(Quorum);

/// <summary>
/// Writes <paramref name="Value"/> to <paramref name="Key"/>, or deletes it (a tombstone) when
/// null. <paramref name="Context"/> is the causal context the client read: the write replaces the
/// siblings it covers and keeps the others. Null means "what the coordinator has seen" (plain SET
/// and DEL overwrite the coordinator's current siblings); an empty context replaces nothing.
/// </summary>
public sealed record KeyWrite(byte[] Key, byte[]? Value, VersionVector? Context, QuorumOverrides Quorum) : ClientRequest(Quorum);

/// <summary>
/// Per-connection or per-request overrides of the cluster's quorum sizes: how many replicas hold
/// a key (<paramref name="N"/>, at most the cluster's), must acknowledge a write
/// (<paramref name="W"/>) and must answer a read (<paramref name="R"/>). Null keeps the default.
/// </summary>
public sealed record QuorumOverrides(int? N = null, int? W = null, int? R = null)
{
    public static readonly QuorumOverrides None = new();

    public bool IsEmpty => N is null && W is null && R is null;

    /// <summary>These overrides, with <paramref name="inner"/>'s taking precedence (a request inside a connection's settings).</summary>
    public QuorumOverrides Then(QuorumOverrides inner) => new(inner.N ?? N, inner.W ?? W, inner.R ?? R);

    public override string ToString() =>
        IsEmpty ? "defaults" : string.Join(' ', new[] { ("N", N), ("W", W), ("R", R) }.Where(p => p.Item2 is not null).Select(p => $"{p.Item1}={p.Item2}"));
}

/// <summary>What a served request produced.</summary>
public abstract record RequestResult;

/// <summary>The merged versions of each key read, in request order (empty sets for absent keys).</summary>
public sealed record KeysRead(IReadOnlyList<DottedVersionVectorSet<VersionedValue>> Versions) : RequestResult;

/// <summary>
/// A write acknowledged by its quorum. <paramref name="Stored"/>: the key's versions at the
/// coordinator after the write; <paramref name="WasLive"/>: whether the key had a value there
/// before (DEL's count).
/// </summary>
public sealed record KeyWritten(DottedVersionVectorSet<VersionedValue> Stored, bool WasLive) : RequestResult;

/// <summary>What <see cref="RingRequest"/> asks of a leaderless ring.</summary>
public enum RingOperation
{
    /// <summary>Show the ring (CHORUS.RING).</summary>
    Show,

    /// <summary>Add a node (CHORUS.RING ADD).</summary>
    Add,

    /// <summary>Remove a node (CHORUS.RING REMOVE).</summary>
    Remove,
}

/// <summary>
/// An operator's look at, or change to, a leaderless cluster's membership: <paramref name="Node"/>
/// is the node added or removed, <paramref name="PeerAddress"/> and
/// <paramref name="ClientEndpoint"/> where an added node is reached by its peers and its clients.
/// </summary>
public sealed record RingRequest(RingOperation Operation, NodeId Node = default, string PeerAddress = "", string ClientEndpoint = "")
    : ClientRequest(QuorumOverrides.None);

/// <summary>
/// The ring after a <see cref="RingRequest"/>: its version and members, and the handover of the
/// change under way, if any — <paramref name="Leaving"/> (members of the old ring only),
/// <paramref name="AwaitedGainers"/> (nodes that have not received every range they gained) and
/// <paramref name="RangesPending"/> (ranges this node still waits for).
/// </summary>
public sealed record RingShown(long Version, IReadOnlyList<RingMemberView> Members, IReadOnlyList<NodeId> Leaving, IReadOnlyList<NodeId> AwaitedGainers, int RangesPending) : RequestResult
{
    public bool Moving => Leaving.Count > 0 || AwaitedGainers.Count > 0;
}

/// <summary>A ring member as CHORUS.RING shows it: where it is reached and its share of the key space (primary and as any replica, 0 to 1).</summary>
public sealed record RingMemberView(NodeId Id, string PeerAddress, string ClientEndpoint, double PrimaryShare, double ReplicaShare, bool Joining);
