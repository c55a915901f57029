using Chorus.Commands.Execution;
using Chorus.Commands.Values;
using Chorus.Resp;

namespace Chorus.Commands.Data.Strings;

/// <summary>
/// SET key value [NX | XX] [GET] [EX s | PX ms | EXAT s | PXAT ms | KEEPTTL] — stores a string,
/// replacing a value of any type. The leader turns relative expiries into absolute times.
/// </summary>
internal static class SetCommand
{
    public static readonly CommandSpec Spec = new("SET", -3, CommandFlags.Write | CommandFlags.DenyOom, 1, 1, 1, Write: Execute);

    private static void Execute(WriteContext context, RespCommand command, RespWriter reply)
    {
        if (!SetOptions.TryParseSet(command, out var options))
        {
            reply.WriteError(Errors.Syntax);
            return;
        }
        long expiresAtMs = 0;
        if (options.HasExpiry && !options.TryResolveExpiry(command, context.NowMs, "set", out expiresAtMs, out var error))
        {
            reply.WriteError(error);
            return;
        }
        var key = command[1];
        var live = context.GetLive(key);
        if (options.Get && !TryReplyOldValue(live, reply))
        {
            return;
        }
        var found = live is not null;
        if ((options.Nx && found) || (options.Xx && !found))
        {
            if (!options.Get)
            {
                reply.WriteNull();
            }
            return;
        }
        // KEEPTTL keeps a live key's expiry; an expired key is absent and has none to keep.
        var expiry = options.HasExpiry ? expiresAtMs : options.KeepTtl ? StringWrites.ExpiryOf(live) : 0;
        StringWrites.Put(context, key, command[2], expiry);
        if (!options.Get)
        {
            reply.WriteOk();
        }
    }

    /// <summary>GET's reply (the old string or nil); false after a WRONGTYPE error.</summary>
    private static bool TryReplyOldValue(byte[]? live, RespWriter reply)
    {
        switch (TypedLookup.Find(live, DataType.String, out var old))
        {
            case LookupStatus.WrongType:
                reply.WriteError(Errors.WrongType);
                return false;
            case LookupStatus.Found:
                reply.WriteBulkString(old.Payload);
                return true;
            default:
                reply.WriteNull();
                return true;
        }
    }
}
