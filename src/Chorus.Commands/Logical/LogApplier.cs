using Chorus.Commands.Keyspace;
using Chorus.Commands.Values;
using Chorus.Core.Encoding;
using Chorus.Core.Log;
using Chorus.Core.Sites;

namespace Chorus.Commands.Logical;

/// <summary>
/// Applies log entries received from a leader to the staged keyspace, and undoes them when a
/// divergent suffix is rolled back. Entries are applied strictly in LSN order by the caller.
/// </summary>
public static class LogApplier
{
    public static void Apply(LogEntry entry, StagedKeyspace keyspace)
    {
        switch (entry.Kind)
        {
            case PayloadKind.Noop:
            case PayloadKind.ClusterConfig:
            case PayloadKind.LogFormat:
                return;
            case PayloadKind.Logical:
                if (StringPut.TryRead(entry.Payload.Span, out var put))
                {
                    put.ApplyTo(keyspace); // a SET of a string: no change objects (a follower's catch-up is mostly these)
                    return;
                }
                foreach (var change in LogicalPayload.Decode(entry.Payload.Span))
                {
                    RowChangeApplier.Apply(change, keyspace);
                }
                return;
            case PayloadKind.KeyImages:
                // Leaderless keys live in database 0 (the family refuses the others). The put reads
                // the stored record, so whatever was there before is replaced as any write replaces it.
                var db = keyspace.Physical(0);
                foreach (var image in KeyImagesPayload.Decode(entry.Payload.Span))
                {
                    if (image.VersionBlock.Length == 0)
                    {
                        keyspace.Delete(db, image.Key); // a collected tombstone
                    }
                    else
                    {
                        keyspace.Put(db, image.Key, VersionedRecord.Encode(image));
                    }
                }
                return;
            case PayloadKind.MultiLeader:
                // A site's own resolved changes; the operations inside are for other sites.
                foreach (var change in LogicalPayload.Decode(SiteEntry.Decode(entry.Payload).Local.Span))
                {
                    RowChangeApplier.Apply(change, keyspace);
                }
                return;
            default:
                // Statement entries are replayed by the node (StatementReplayer), which needs a command table.
                throw new CorruptDataException($"payload kind {entry.Kind} is not supported by this build");
        }
    }

    /// <summary>Undoes a logical entry; other kinds change no data or are undone from their undo images by the caller.</summary>
    public static void Undo(LogEntry entry, StagedKeyspace keyspace)
    {
        var changes = entry.Kind switch
        {
            PayloadKind.Logical => LogicalPayload.Decode(entry.Payload.Span),
            PayloadKind.MultiLeader => LogicalPayload.Decode(SiteEntry.Decode(entry.Payload).Local.Span),
            _ => [],
        };
        for (var i = changes.Count - 1; i >= 0; i--)
        {
            RowChangeApplier.Undo(changes[i], keyspace);
        }
    }
}
