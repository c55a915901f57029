using Chorus.Commands.Data.Keys;
using Chorus.Commands.Keyspace;
using Chorus.Commands.Logical;
using Chorus.Commands.Sites;
using Chorus.Commands.Values;
using Chorus.Core.Sites;
using Chorus.Replication;
using Chorus.Resp;

namespace Chorus.Node;

/// <summary>
/// The data side of multi-leader replication, on a site leader: versions each local write (every
/// key it changed gets a version vector one step past what the site had seen of that key) and
/// merges changes from other sites into the staged keyspace by each key's policy. Either way the
/// result is an ordinary logical payload of whole-record puts, which the site's followers apply
/// and a rollback undoes like any other entry.
/// </summary>
internal sealed class SiteData(StagedKeyspace keyspace, ConflictLog conflicts)
{
    /// <summary>Multi-leader versions the keys of database 0 only (see <see cref="Refusal"/>).</summary>
    private const int Db = 0;

    private static byte[]? ImageOf(byte[]? record) => record is null ? null : Records.ImageOf(record);

    /// <summary>
    /// Commands a multi-leader site refuses: their effect cannot be versioned per key, or it
    /// reaches a database other than 0 (site changes name keys, not databases).
    /// </summary>
    public static string? Refusal(RespCommand command, int db)
    {
        if (command.NameIs("FLUSHALL"u8) || command.NameIs("FLUSHDB"u8))
        {
            return "ERR FLUSHALL and FLUSHDB are not supported by multi-leader replication (delete the keys instead)";
        }
        if (db != Db || command.NameIs("MOVE"u8) || command.NameIs("SWAPDB"u8) || (command.NameIs("COPY"u8) && NamesDb(command)))
        {
            return "ERR multi-leader replication keeps database 0 only (SELECT 0; MOVE, SWAPDB and COPY ... DB are not supported)";
        }
        return null;
    }

    private static bool NamesDb(RespCommand command)
    {
        for (var i = 3; i < command.ArgumentCount; i++)
        {
            if (command.ArgumentIs(i, "DB"u8))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Observes each version made for a local write (the simulator's checkers).</summary>
    public Action<byte[], SiteSibling>? Versioned { get; init; }

    /// <summary>The proposal for one local command: each changed key's new versioned record, for other sites and for this site's log.</summary>
    public byte[] Version(WriteStamp stamp, List<KeyValuePair<byte[], byte[]?>> beforeImages)
    {
        var ops = new List<SiteOp>(beforeImages.Count);
        var local = new List<RowChange>(beforeImages.Count);
        foreach (var (key, before) in beforeImages)
        {
            var prior = SiteRecord.StateOf(before, stamp.Site)?.Context ?? Core.Versions.VersionVector.Empty;
            var clock = prior.With(stamp.Site, prior[stamp.Site] + 1);
            var after = SiteRecord.Plain(keyspace.Get(keyspace.Physical(Db), key));
            var version = new SiteSibling(new SiteVersion(clock, stamp.Timestamp, stamp.Site), after);
            Versioned?.Invoke(key, version);
            var record = SiteRecord.Encode(new SiteKeyState([version]));
            keyspace.Put(keyspace.Physical(Db), key, record);
            ops.Add(new SiteOp(key, record));
            local.Add(new PutChange(Db, key, record, ImageOf(before)));
        }
        return new SiteProposal(stamp.Timestamp, SiteOps.Encode(ops), LogicalPayload.Encode(local)).Encode();
    }

    /// <summary>Merges a change from another site into the staged keyspace; returns this site's logical payload for it.</summary>
    public byte[] Resolve(IncomingChange incoming, long nowMs)
    {
        var local = new List<RowChange>();
        foreach (var op in SiteOps.Decode(incoming.Change.Ops.Span))
        {
            var before = keyspace.Get(keyspace.Physical(Db), op.Key);
            var theirs = SiteRecord.StateOf(op.Record, incoming.Change.Header.Origin)!;
            var policy = PolicyOf(incoming.Stamp.Settings, op.Key);
            var resolution = SiteResolver.Merge(SiteRecord.StateOf(before, incoming.Stamp.Site), theirs, policy);
            if (resolution.Changed is not { } state)
            {
                continue;
            }
            if (resolution.Conflict)
            {
                conflicts.Add(new ConflictRecord(incoming.Stamp.Site, op.Key, policy, state.Winner, resolution.Losers, state.Siblings.Count, nowMs));
            }
            var record = SiteRecord.Encode(state);
            keyspace.Put(keyspace.Physical(Db), op.Key, record);
            local.Add(new PutChange(Db, op.Key, record, ImageOf(before)));
        }
        return LogicalPayload.Encode(local);
    }

    /// <summary>Undoes a payload <see cref="Resolve"/> staged (newest change first).</summary>
    public void Undo(byte[] local)
    {
        var changes = LogicalPayload.Decode(local);
        for (var i = changes.Count - 1; i >= 0; i--)
        {
            RowChangeApplier.Undo(changes[i], keyspace);
        }
    }

    /// <summary>The policy of the first rule whose pattern matches the key; last-write-wins when none does.</summary>
    public static ConflictPolicy PolicyOf(SiteSettings settings, ReadOnlySpan<byte> key)
    {
        foreach (var rule in settings.Policies)
        {
            if (GlobPattern.IsMatch(System.Text.Encoding.Latin1.GetBytes(rule.Pattern), key))
            {
                return rule.Policy;
            }
        }
        return ConflictPolicy.Lww;
    }
}
