using Chorus.Core;

namespace Chorus.Node.Sessions;

/// <summary>A write of a session that a failover rolled back: the entry's LSN and epoch, the keys it changed, when it was discarded.</summary>
public sealed record RollbackNotice(Lsn Lsn, Epoch Epoch, IReadOnlyList<string> Keys, long AtMs)
{
    /// <summary>Assigned by the session that holds it (1, 2, …).</summary>
    public long Seq { get; init; }

    public override string ToString() =>
        $"LSN {Lsn.Value} (epoch {Epoch.Value}): {(Keys.Count == 0 ? "no keys" : string.Join(", ", Keys))}";
}
