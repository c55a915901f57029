using Chorus.Commands.Execution;
using Chorus.Commands.Keyspace;
using Chorus.Commands.Logical;
using Chorus.Commands.Sites;
using Chorus.Commands.Values;
using Chorus.Core;
using Chorus.Core.Sites;
using Chorus.Replication;
using Chorus.Resp;

namespace Chorus.Node;

/// <summary>
/// The data side of multi-leader replication, on a site leader: versions each local write (every
/// element it changed — a string, a hash field, a set member, a sorted-set member, the site's
/// share of a counter — gets a version vector one step past what the site had seen of it) and
/// merges changes from other sites into the staged keyspace element by element, by each key's
/// policy (<see cref="SiteDocument"/>). Either way the result is an ordinary logical payload,
/// which the site's followers apply and a rollback undoes like any other entry.
/// </summary>
internal sealed class SiteData(StagedKeyspace keyspace, ConflictLog conflicts, IReadOnlyDictionary<string, IConflictResolver> resolvers)
{
    /// <summary>
    /// Commands a multi-leader site refuses whatever their keys: their effect cannot be versioned
    /// per key (a whole database at once, or a key moving between databases).
    /// </summary>
    public static string? Refusal(RespCommand command)
    {
        if (command.NameIs("FLUSHALL"u8) || command.NameIs("FLUSHDB"u8))
        {
            return "ERR FLUSHALL and FLUSHDB are not supported by multi-leader replication (delete the keys instead)";
        }
        if (command.NameIs("MOVE"u8) || command.NameIs("SWAPDB"u8) || (command.NameIs("COPY"u8) && NamesDb(command)))
        {
            return "ERR MOVE, SWAPDB and COPY ... DB are not supported by multi-leader replication (site changes name a key in its database)";
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

    /// <summary>Observes each version made for a local write to a string (the simulator's checkers).</summary>
    public Action<byte[], SiteSibling>? Versioned { get; init; }

    /// <summary>
    /// The check a site runs on every row change of <paramref name="command"/> before it is staged
    /// (<see cref="WriteContext.SiteRefusal"/>): the reply refusing what cannot be versioned
    /// element by element, or null.
    /// </summary>
    public static Func<KeyChange, byte[]?, string?> RefusalFor(RespCommand command, WriteStamp stamp) =>
        (change, before) => SiteRefusals.Of(command, change, before, PolicyOf(stamp.Settings, change.Key), stamp.Site);

    /// <summary>
    /// The members an SADD names, when its key holds a set after it (see
    /// <see cref="SiteVersioner.Version"/>): an add of a present member is still an add at a site.
    /// </summary>
    public static IReadOnlyList<byte[]>? SetAdds(RespCommand command) =>
        command.NameIs("SADD"u8) && command.ArgumentCount > 2
            ? [.. Enumerable.Range(2, command.ArgumentCount - 2).Select(i => command[i].ToArray())]
            : null;

    /// <summary>
    /// The proposal for one local command: each changed key's new versions, for other sites, and
    /// the command's changes with the versions, for this site's log; null when it changed nothing
    /// a site versions.
    /// </summary>
    public byte[]? Version(WriteStamp stamp, List<BeforeImage> beforeImages, byte[]? executed, IReadOnlyList<byte[]>? setAdds)
    {
        var ops = new List<SiteOp>(beforeImages.Count);
        var local = executed is null ? [] : LogicalPayload.Decode(executed);
        foreach (var (db, key, before) in beforeImages)
        {
            var after = keyspace.Get(keyspace.Physical(db), key);
            var changes = local.OfType<KeyChange>().Where(c => c.Db == db && c.Key.AsSpan().SequenceEqual(key)).ToList();
            if (SiteVersioner.Version(stamp, before, after, changes, PolicyOf(stamp.Settings, key), setAdds) is not { } versioned)
            {
                continue;
            }
            if (versioned.Delta.Get(SitePart.String, SiteDocument.StringElement) is { } version)
            {
                Versioned?.Invoke(key, version.Winner);
            }
            var block = SiteDocumentCodec.EncodeForRecord(versioned.After);
            KeyChange stored = after is null
                ? new PutChange(db, key, Records.Tombstone(block), null)
                : new VersionBlockChange(db, key, block, KeyRecord.ParseImage(after).VersionBlock.ToArray());
            RowChangeApplier.Apply(stored, keyspace);
            local.Add(stored);
            ops.Add(new SiteOp(db, key, SiteDocumentCodec.Encode(versioned.Delta)));
        }
        return ops.Count == 0 && local.Count == 0 ? null : new SiteProposal(stamp.Timestamp, SiteOps.Encode(ops), LogicalPayload.Encode(local)).Encode();
    }

    /// <summary>Merges a change from another site into the staged keyspace; returns this site's logical payload for it.</summary>
    public byte[] Resolve(IncomingChange incoming, long nowMs)
    {
        var local = new List<RowChange>();
        foreach (var op in SiteOps.Decode(incoming.Change.Ops.Span))
        {
            var before = keyspace.Get(keyspace.Physical(op.Db), op.Key);
            var policy = PolicyOf(incoming.Stamp.Settings, op.Key);
            var theirs = op.IsRecord ? SiteDocumentCodec.FromRecord(op.Versions, incoming.Change.Header.Origin)! : SiteDocumentCodec.Decode(op.Versions);
            var merge = SiteResolver.Merge(SiteDocumentCodec.FromRecord(before, incoming.Stamp.Site), theirs, policy);
            if (merge.Changed.Count == 0)
            {
                continue;
            }
            Report(incoming.Stamp.Site, op.Key, policy, merge, nowMs);
            var custom = policy == ConflictPolicy.Custom ? Custom(incoming.Stamp.Settings, op.Key, nowMs) : null;
            foreach (var change in SiteMaterializer.Changes(keyspace, op.Db, op.Key, before, merge, policy, custom))
            {
                RowChangeApplier.Apply(change, keyspace);
                local.Add(change);
            }
        }
        return LogicalPayload.Encode(local);
    }

    /// <summary>Every element the merge found in conflict goes to the conflict log (a set's members and a counter's shares never conflict).</summary>
    private void Report(NodeId site, byte[] key, ConflictPolicy policy, DocumentResolution merge, long nowMs)
    {
        foreach (var element in merge.Changed)
        {
            if (!element.Resolution.Conflict || element.Part is SitePart.Set or SitePart.Counter)
            {
                continue;
            }
            var state = element.Resolution.Changed!;
            var name = element.Part == SitePart.String ? null : element.Name;
            conflicts.Add(new ConflictRecord(site, key, policy, SiteDocument.AsRecord(element.Part, state.Winner), [.. element.Resolution.Losers.Select(l => SiteDocument.AsRecord(element.Part, l))], state.Siblings.Count, nowMs)
            {
                Element = name,
            });
        }
    }

    /// <summary>
    /// The key's custom resolver, adapted to stored values; a resolver that throws (or is not
    /// loaded) leaves the newest value showing and the conflict as siblings, and is reported.
    /// </summary>
    private SiteMaterializer.Resolve Custom(SiteSettings settings, byte[] key, long nowMs)
    {
        var name = RuleOf(settings, key)?.Resolver ?? "";
        return (field, values) =>
        {
            try
            {
                if (!resolvers.TryGetValue(name, out var resolver))
                {
                    throw new InvalidOperationException($"no resolver named '{name}' is loaded");
                }
                if (field is not null)
                {
                    return resolver.Resolve(key, field, values);
                }
                var strings = values.Select(static v => KeyRecord.ParseImage(v).Payload.ToArray()).ToList();
                return Records.String(resolver.Resolve(key, default, strings), 0);
            }
            catch (Exception e) when (e is not InvariantViolationException)
            {
                conflicts.ResolverFailed(new ResolverFailure(key, field, name, e.GetType().Name + ": " + e.Message, nowMs));
                return values[0];
            }
        };
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
    public static ConflictPolicy PolicyOf(SiteSettings settings, ReadOnlySpan<byte> key) => RuleOf(settings, key)?.Policy ?? ConflictPolicy.Lww;

    private static PolicyRule? RuleOf(SiteSettings settings, ReadOnlySpan<byte> key) => PolicyRules.RuleOf(settings, key);
}
