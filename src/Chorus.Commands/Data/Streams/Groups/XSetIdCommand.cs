using Chorus.Commands.Data.Numbers;
using Chorus.Commands.Execution;
using Chorus.Commands.Values;
using Chorus.Resp;

namespace Chorus.Commands.Data.Streams.Groups;

/// <summary>
/// XSETID key last-id [ENTRIESADDED entries-added] [MAXDELETEDID max-deleted-id] (Redis 7.0):
/// sets the stream's last id (never below its last entry), and optionally its entries-added
/// counter (never below its length) and largest deleted id (never above the new last id).
/// </summary>
internal static class XSetIdCommand
{
    public static readonly CommandSpec Spec = new("XSETID", -3, CommandFlags.Write | CommandFlags.DenyOom | CommandFlags.Fast, 1, 1, 1, Write: Execute);

    private static void Execute(WriteContext context, RespCommand command, RespWriter reply)
    {
        if (!StreamIds.TryParseStrict(command[2], 0, out var id))
        {
            reply.WriteError(StreamErrors.InvalidId);
            return;
        }
        long entriesAdded = -1;
        StreamId? maxDeleted = null;
        for (var i = 3; i < command.ArgumentCount; i++)
        {
            var moreArgs = command.ArgumentCount - i - 1 > 0;
            if (command.ArgumentIs(i, "ENTRIESADDED"u8) && moreArgs)
            {
                if (!IntegerText.TryParse(command[++i], out entriesAdded))
                {
                    reply.WriteError(Errors.NotInteger);
                    return;
                }
                if (entriesAdded < 0)
                {
                    reply.WriteError(GroupErrors.EntriesAddedNegative);
                    return;
                }
            }
            else if (command.ArgumentIs(i, "MAXDELETEDID"u8) && moreArgs)
            {
                if (!StreamIds.TryParseStrict(command[++i], 0, out var deleted))
                {
                    reply.WriteError(StreamErrors.InvalidId);
                    return;
                }
                if (id < deleted)
                {
                    reply.WriteError(GroupErrors.SetIdBelowMaxDeleted);
                    return;
                }
                maxDeleted = deleted;
            }
            else
            {
                reply.WriteError(Errors.Syntax);
                return;
            }
        }
        var key = command[1];
        var live = context.GetLive(key);
        switch (TypedLookup.Find(live, DataType.Stream, out var record))
        {
            case LookupStatus.WrongType:
                reply.WriteError(Errors.WrongType);
                return;
            case LookupStatus.Absent:
                reply.WriteError(Errors.NoSuchKey);
                return;
        }
        if (record.Count > 0)
        {
            if (id < StreamFacts.LastValid(context, live!))
            {
                reply.WriteError(GroupErrors.SetIdTooSmall);
                return;
            }
            if (entriesAdded != -1 && record.Count > entriesAdded)
            {
                reply.WriteError(GroupErrors.EntriesAddedTooSmall);
                return;
            }
        }
        var edit = new StreamEdit(context, key, live!);
        edit.Meta = edit.Meta with
        {
            LastId = id,
            EntriesAdded = entriesAdded == -1 ? edit.Meta.EntriesAdded : (ulong)entriesAdded,
            MaxDeletedId = maxDeleted ?? edit.Meta.MaxDeletedId,
        };
        edit.CommitOrTouch();
        reply.WriteOk();
    }
}
