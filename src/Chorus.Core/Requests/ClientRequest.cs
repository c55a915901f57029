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
/// <paramref name="Expiry"/>: when the new value expires (SET EX/PX/EXAT/PXAT); none by default.
/// </summary>
public sealed record KeyWrite(byte[] Key, byte[]? Value, VersionVector? Context, QuorumOverrides Quorum, WriteExpiry Expiry = default) : ClientRequest(Quorum);

/// <summary>
/// The expiry a write gives its value: none (the default), <paramref name="Ms"/> from now by the
/// clock of the node that takes the write (<paramref name="Relative"/>), or an absolute Unix time
/// in ms. The node turns it into an absolute time once (<see cref="AbsoluteMs"/>), and that time
/// travels with the value to every replica.
/// </summary>
public readonly record struct WriteExpiry(long Ms, bool Relative)
{
    public static WriteExpiry None => default;

    public static WriteExpiry At(long unixMs) => new(unixMs, false);

    public static WriteExpiry In(long ms) => new(ms, true);

    public bool IsNone => Ms == 0 && !Relative;

    /// <summary>The absolute expiry (0 for none); a relative one saturates rather than wrapping.</summary>
    public long AbsoluteMs(long nowMs) => IsNone ? 0 : !Relative ? Ms : Ms > long.MaxValue - nowMs ? long.MaxValue : nowMs + Ms;
}

/// <summary>
/// Changes the expiry of <paramref name="Key"/>'s value (EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT,
/// PERSIST): the node reads the key from R replicas, asks <paramref name="Decide"/> what to do
/// with the value a plain read shows (null when absent) at its time, then writes the same bytes
/// with the new expiry, replacing exactly the versions it read. A key with several live siblings
/// is refused: one expiry for all of them would silently resolve the conflict.
/// </summary>
public sealed record KeyExpire(byte[] Key, Func<VersionedValue?, long, ExpiryDecision> Decide, QuorumOverrides Quorum) : ClientRequest(Quorum);

/// <summary>What an expiry command does to the value it read: nothing (the reply is 0), give it <see cref="ExpiresAtMs"/> (0: none), delete it, or refuse (<see cref="Reason"/>, worded as "ERR reason" at the RESP edge like any <c>RequestRefused</c>).</summary>
public readonly record struct ExpiryDecision(ExpiryAction Action, long ExpiresAtMs = 0, string? Reason = null)
{
    public static ExpiryDecision Refuse(string reason) => new(ExpiryAction.Refuse, 0, reason);

    public static ExpiryDecision Unchanged => new(ExpiryAction.Unchanged);

    public static ExpiryDecision Delete => new(ExpiryAction.Delete);

    public static ExpiryDecision Set(long expiresAtMs) => new(ExpiryAction.Set, expiresAtMs);
}

public enum ExpiryAction
{
    /// <summary>The key is absent, has no expiry to remove, or an option (NX XX GT LT) forbids the change.</summary>
    Unchanged,

    /// <summary>The value gets a new expiry (0 removes it).</summary>
    Set,

    /// <summary>The new expiry is not in the future: the key is deleted, as Redis does.</summary>
    Delete,

    /// <summary>The command is refused (an expiry that overflows once the node's time is added).</summary>
    Refuse,
}

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

/// <summary>
/// The merged versions of each key read, in request order (empty sets for absent keys), as the
/// reading node sees them at <paramref name="NowMs"/>: a sibling past its expiry is shown as a
/// deletion (<see cref="KeyVersions.Visible"/>), and live ones keep theirs (TTL and PTTL).
/// </summary>
public sealed record KeysRead(IReadOnlyList<DottedVersionVectorSet<VersionedValue>> Versions, long NowMs = 0) : RequestResult;

/// <summary>Whether a <see cref="KeyExpire"/> changed the key (EXPIRE's and PERSIST's 1 or 0).</summary>
public sealed record ExpiryChanged(bool Changed) : RequestResult;

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
