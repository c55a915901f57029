using Chorus.Core;

namespace Chorus.Replication;

/// <summary>A host's number for one read it asks a core about (unique per node run).</summary>
public readonly record struct ReadRequestId(ulong Value)
{
    public override string ToString() => Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>What kind of read the host asks the core to make safe.</summary>
public enum ReadKind
{
    /// <summary>
    /// A linearizable read served from local state: the core finds a position that holds every
    /// write acknowledged before the request (a read index, confirmed by a quorum round or a
    /// lease) and completes once the local log holds it.
    /// </summary>
    Linearizable,
}

/// <summary>
/// A read the host wants a core's help with. Families read differently — a log family hands back
/// a position to serve from (<see cref="ReadAt"/>); a leaderless family would fetch key versions
/// from R replicas — so the request names its kind and the core answers with an outcome of its own.
/// </summary>
public sealed record ReadRequest(ReadRequestId Id, ReadKind Kind = ReadKind.Linearizable);

/// <summary>How a core answered a <see cref="ReadRequest"/>.</summary>
public abstract record ReadOutcome;

/// <summary>
/// Serve the read from local state: the local log holds <paramref name="Committed"/>, every entry
/// up to it is committed (it survives any failover), and it includes every write acknowledged
/// before the request was made.
/// </summary>
public sealed record ReadAt(LogPosition Committed) : ReadOutcome;

/// <summary>The core cannot make the read safe now (no leader, leadership lost, not confirmed in time): <paramref name="Reason"/> says why.</summary>
public sealed record ReadRefused(ProposalOutcome Reason) : ReadOutcome;

/// <summary>A read request reached an outcome.</summary>
public readonly record struct ReadCompletion(ReadRequestId Id, ReadOutcome Outcome);

/// <summary>Refused: the leader could not confirm its leadership (or the read's position) within <paramref name="TimeoutMs"/>.</summary>
public sealed record ReadNotConfirmed(long TimeoutMs) : ProposalOutcome;

/// <summary>Refused: this replication family has no read path for the requested kind.</summary>
public sealed record ReadsNotSupported(string Family) : ProposalOutcome;
