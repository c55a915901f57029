using Chorus.Core;
using Chorus.Core.Log;

namespace Chorus.Node;

/// <summary>
/// Where rolled-back entries go. A node never discards a write silently: before truncating a
/// divergent suffix it hands the entries here (a file in the data directory in production).
/// </summary>
public interface IRollbackSink
{
    void Write(RollbackRecord record);
}

/// <summary>One truncation: the entries after <paramref name="KeepThrough"/> that were discarded.</summary>
public sealed record RollbackRecord(NodeId Node, Epoch EpochAtRollback, Lsn KeepThrough, long AtMs, IReadOnlyList<LogEntry> Entries);
