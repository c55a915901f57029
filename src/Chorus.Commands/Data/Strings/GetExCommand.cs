using Chorus.Commands.Execution;
using Chorus.Commands.Logical;
using Chorus.Commands.Values;
using Chorus.Resp;

namespace Chorus.Commands.Data.Strings;

/// <summary>
/// GETEX key [EX s | PX ms | EXAT s | PXAT ms | PERSIST] — GET that also sets or removes the
/// expiry. An absolute time already past deletes the key after replying with its value.
/// </summary>
internal static class GetExCommand
{
    public static readonly CommandSpec Spec = new("GETEX", -2, CommandFlags.Write | CommandFlags.Fast, 1, 1, 1, Write: Execute);

    private static void Execute(WriteContext context, RespCommand command, RespWriter reply)
    {
        if (!SetOptions.TryParseGetEx(command, out var options))
        {
            reply.WriteError(Errors.Syntax);
            return;
        }
        var key = command[1];
        switch (TypedLookup.Find(context.GetLive(key), DataType.String, out var value))
        {
            case LookupStatus.WrongType:
                reply.WriteError(Errors.WrongType);
                return;
            case LookupStatus.Absent:
                reply.WriteNull();
                return;
        }
        long expiresAtMs = 0;
        if (options.HasExpiry && !options.TryResolveExpiry(command, context.NowMs, "getex", out expiresAtMs, out var error))
        {
            reply.WriteError(error);
            return;
        }
        reply.WriteBulkString(value.Payload);
        if (options.HasExpiry && options.IsAbsoluteExpiry && expiresAtMs <= context.NowMs)
        {
            context.Delete(key, DeleteReason.Command);
        }
        else if ((options.HasExpiry || options.Persist) && expiresAtMs != value.ExpiresAtMs)
        {
            context.Record(new ExpireChange(context.Db, key.ToArray(), expiresAtMs, value.ExpiresAtMs));
        }
    }
}
