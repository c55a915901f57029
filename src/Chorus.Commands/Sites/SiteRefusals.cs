using Chorus.Commands.Execution;
using Chorus.Commands.Logical;
using Chorus.Commands.Values;
using Chorus.Core;
using Chorus.Core.Sites;
using Chorus.Resp;

namespace Chorus.Commands.Sites;

/// <summary>
/// What a multi-leader site cannot version element by element, checked on each row change
/// before it is staged (the command is then refused whole, nothing applied): lists (a sequence
/// needs a sequence CRDT, which Chorus does not have), expiry, renames and copies of collections
/// (their elements are versioned where they are), and anything but INCR/DECR/INCRBY/DECRBY on a
/// counter key. docs/multi-leader.md, "Data types at sites", says why for each.
/// </summary>
public static class SiteRefusals
{
    public const string Lists = "ERR lists are not replicated between multi-leader sites (concurrent pushes need a sequence CRDT; use a hash, set or sorted set)";

    public const string Streams = "ERR streams are not replicated between multi-leader sites (entry ids and consumer groups need one leader)";

    public const string CollectionExpiry = "ERR expiry of a hash, set or sorted set is not replicated between multi-leader sites (strings only)";

    public const string CollectionMoves = "ERR RENAME and COPY of a hash, set or sorted set are not supported at a multi-leader site";

    public static string CounterOnly(ReadOnlySpan<byte> key) =>
        $"ERR '{System.Text.Encoding.UTF8.GetString(key)}' is a counter at this multi-leader site: only INCR, DECR, INCRBY and DECRBY change it";

    /// <summary>The reply refusing <paramref name="change"/> (made by <paramref name="command"/> at <paramref name="site"/> to a key stored as <paramref name="before"/>), or null.</summary>
    public static string? Of(RespCommand command, KeyChange change, byte[]? before, ConflictPolicy policy, NodeId site)
    {
        var beforeType = before is null || KeyRecord.IsTombstoneRecord(before) ? (DataType?)null : KeyRecord.ParseImage(before).Type;
        if (change is ListChange || beforeType == DataType.List)
        {
            return Lists;
        }
        if (change is StreamChange || beforeType == DataType.Stream)
        {
            return Streams;
        }
        if (policy == ConflictPolicy.Counter)
        {
            var increment = command.NameIs("INCR"u8) || command.NameIs("DECR"u8) || command.NameIs("INCRBY"u8) || command.NameIs("DECRBY"u8);
            if (increment && change is PutChange put && SiteVersioner.CounterShareOverflows(site, before, put.After))
            {
                return Errors.Overflow;
            }
            return increment && change is PutChange or DeleteChange { Reason: DeleteReason.Expired } ? null : CounterOnly(change.Key);
        }
        return change switch
        {
            ExpireChange when beforeType is not null and not DataType.String => CollectionExpiry,
            RenameChange rename when KeyRecord.ParseImage(rename.Image).IsCollection => CollectionMoves,
            CopyChange copy when KeyRecord.ParseImage(copy.Image).IsCollection => CollectionMoves,
            _ => null,
        };
    }
}
