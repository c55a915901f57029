using Chorus.Commands.Execution;
using Chorus.Commands.Logical;
using Chorus.Commands.Values;
using Chorus.Core;
using Chorus.Resp;

namespace Chorus.Commands.Data.Hashes;

/// <summary>
/// HDEL key field [field ...] — removes fields; replies with how many existed. Removing the last
/// field deletes the key (an empty hash does not exist). O(fields named).
/// </summary>
internal static class HDelCommand
{
    public static readonly CommandSpec Spec = new("HDEL", -3, CommandFlags.Write | CommandFlags.Fast, 1, 1, 1, Write: Execute);

    private static void Execute(WriteContext context, RespCommand command, RespWriter reply)
    {
        var key = command[1];
        var live = context.GetLive(key);
        if (!TypedLookup.TryFind(live, DataType.Hash, reply, AbsentReply.Zero, out var hash))
        {
            return;
        }
        var id = hash.CollectionId;
        var removed = new List<FieldChange>();
        var seen = new HashSet<byte[]>(ByteArrayComparer.Instance);
        for (var i = 2; i < command.ArgumentCount; i++)
        {
            var field = command[i].ToArray();
            if (seen.Add(field) && ElementReads.GetNamed(context, id, field) is { } previous)
            {
                removed.Add(new FieldChange(field, null, previous));
            }
        }
        if (removed.Count > 0)
        {
            context.Record(new HashChange(context.Db, key.ToArray(), Records.ImageOf(live!), removed));
        }
        reply.WriteInteger(removed.Count);
    }
}
