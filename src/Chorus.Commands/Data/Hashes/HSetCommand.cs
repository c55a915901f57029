using Chorus.Commands.Execution;
using Chorus.Commands.Values;
using Chorus.Resp;

namespace Chorus.Commands.Data.Hashes;

/// <summary>
/// HSET key field value [field value ...] (replies with the number of new fields) and the
/// deprecated HMSET (replies OK). An existing hash keeps its TTL. O(fields set), whatever the
/// hash's size.
/// </summary>
internal static class HSetCommand
{
    private const CommandFlags Flags = CommandFlags.Write | CommandFlags.DenyOom | CommandFlags.Fast;

    public static readonly CommandSpec HSetSpec = new("HSET", -4, Flags, 1, 1, 1, Write: (c, cmd, r) => Execute(c, cmd, r, "hset"));

    public static readonly CommandSpec HMSetSpec = new("HMSET", -4, Flags, 1, 1, 1, Write: (c, cmd, r) => Execute(c, cmd, r, "hmset"));

    private static void Execute(WriteContext context, RespCommand command, RespWriter reply, string name)
    {
        if (command.ArgumentCount % 2 == 1)
        {
            reply.WriteError(Errors.WrongArgumentCount(name));
            return;
        }
        var key = command[1];
        var live = context.GetLive(key);
        if (TypedLookup.Find(live, DataType.Hash, out _) == LookupStatus.WrongType)
        {
            reply.WriteError(Errors.WrongType);
            return;
        }
        var pairs = new (byte[] Field, byte[] Value)[(command.ArgumentCount - 2) / 2];
        for (var i = 0; i < pairs.Length; i++)
        {
            pairs[i] = (command[2 + (2 * i)].ToArray(), command[3 + (2 * i)].ToArray());
        }
        var created = HashWrites.SetFields(context, key, live, pairs);
        if (name == "hset")
        {
            reply.WriteInteger(created);
        }
        else
        {
            reply.WriteOk();
        }
    }
}
