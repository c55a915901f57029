using Chorus.Core;

namespace Chorus.Replication;

/// <summary>
/// A client proposal, numbered by the core in the order it accepted them (completions arrive in
/// that order). <see cref="Lsn"/> is where the proposal's entry sits in this node's log, when the
/// family assigns one at proposal time (single-leader does: the sequence is the LSN); the shell
/// uses it for WAIT and for read-your-writes on a follower.
/// </summary>
public readonly record struct ProposalId(ulong Sequence, Lsn Lsn) : IComparable<ProposalId>
{
    public static readonly ProposalId None = default;

    public int CompareTo(ProposalId other) => Sequence.CompareTo(other.Sequence);

    public static bool operator <(ProposalId a, ProposalId b) => a.Sequence < b.Sequence;

    public static bool operator >(ProposalId a, ProposalId b) => a.Sequence > b.Sequence;

    public static bool operator <=(ProposalId a, ProposalId b) => a.Sequence <= b.Sequence;

    public static bool operator >=(ProposalId a, ProposalId b) => a.Sequence >= b.Sequence;

    /// <summary>Every proposal, however late: a completion through this ends them all.</summary>
    public static readonly ProposalId All = new(ulong.MaxValue, new Lsn(ulong.MaxValue));

    public override string ToString() => Sequence.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
