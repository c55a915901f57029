using Chorus.Core;

namespace Chorus.Node.Sessions;

/// <summary>A write of a session that a failover rolled back: the entry's LSN and epoch, the keys it changed, when it was discarded.</summary>
public sealed record RollbackNotice(Lsn Lsn, Epoch Epoch, IReadOnlyList<string> Keys, long AtMs)
{
    /// <summary>What a notice says when the node that decided it never held the entry (it judged the write by (epoch, LSN) against its own log).</summary>
    public const string KeysNotKnown = "keys not known";

    /// <summary>Assigned by the session that holds it (1, 2, …).</summary>
    public long Seq { get; init; }

    /// <summary>False when the node that found the write lost did not hold its entry: <see cref="Keys"/> is empty and says nothing.</summary>
    public bool KeysKnown { get; init; } = true;

    public override string ToString() =>
        $"LSN {Lsn.Value} (epoch {Epoch.Value}): {(!KeysKnown ? KeysNotKnown : Keys.Count == 0 ? "no keys" : string.Join(", ", Keys))}";
}
