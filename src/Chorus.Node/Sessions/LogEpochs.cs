using Chorus.Core;
using Chorus.Core.Log;
using Chorus.Storage;

namespace Chorus.Node.Sessions;

/// <summary>
/// The epoch of the entry a node's stored log holds at an LSN, read from storage (safe from any
/// thread for an LSN at or below the commit point: committed entries are never rewritten).
/// </summary>
public static class LogEpochs
{
    /// <summary>Null when the log does not hold <paramref name="lsn"/> (beyond its end, or retired).</summary>
    public static Epoch? At(IStorageEngine storage, Lsn lsn) =>
        storage.Get(StorageColumn.Log, LogStore.Key(lsn)) is { } encoded ? LogEntryCodec.DecodeHeader(encoded).Position.Epoch : null;
}
