using Chorus.Commands.Execution;
using Chorus.Commands.Logical;
using Chorus.Commands.Values;
using Chorus.Resp;

namespace Chorus.Commands.Data.Hashes;

/// <summary>
/// HDEL key field [field ...] — removes fields; replies with how many existed. Removing the last
/// field deletes the key (an empty hash does not exist).
/// </summary>
internal static class HDelCommand
{
    public static readonly CommandSpec Spec = new("HDEL", -3, CommandFlags.Write | CommandFlags.Fast, 1, 1, 1, Write: Execute);

    private static void Execute(WriteContext context, RespCommand command, RespWriter reply)
    {
        var key = command[1];
        switch (TypedLookup.Find(context.GetLive(key), DataType.Hash, out var hash))
        {
            case LookupStatus.WrongType:
                reply.WriteError(Errors.WrongType);
                return;
            case LookupStatus.Absent:
                reply.WriteInteger(0);
                return;
        }
        var fields = FieldList.Decode(hash.Payload);
        var removed = new List<FieldChange>();
        for (var i = 2; i < command.ArgumentCount && fields.Count > 0; i++)
        {
            if (fields.Remove(command[i]) is { } previous)
            {
                removed.Add(new FieldChange(command[i].ToArray(), [], previous));
            }
        }
        if (fields.Count == 0)
        {
            context.Delete(key, DeleteReason.Command);
        }
        else if (removed.Count > 0)
        {
            context.Record(new HashDeleteChange(key.ToArray(), removed));
        }
        reply.WriteInteger(removed.Count);
    }
}
