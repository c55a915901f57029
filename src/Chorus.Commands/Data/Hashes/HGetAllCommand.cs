using Chorus.Commands.Execution;
using Chorus.Commands.Values;
using Chorus.Resp;

namespace Chorus.Commands.Data.Hashes;

/// <summary>
/// HGETALL (fields and values: a map in RESP3, a flat array in RESP2), HKEYS and HVALS (arrays),
/// in the hash's insertion order; empty when the key is absent.
/// </summary>
internal static class HGetAllCommand
{
    public static readonly CommandSpec HGetAllSpec = new("HGETALL", 2, CommandFlags.ReadOnly, 1, 1, 1, Read: (c, cmd, r) => Execute(c, cmd, r, fields: true, values: true));

    public static readonly CommandSpec HKeysSpec = new("HKEYS", 2, CommandFlags.ReadOnly, 1, 1, 1, Read: (c, cmd, r) => Execute(c, cmd, r, fields: true, values: false));

    public static readonly CommandSpec HValsSpec = new("HVALS", 2, CommandFlags.ReadOnly, 1, 1, 1, Read: (c, cmd, r) => Execute(c, cmd, r, fields: false, values: true));

    private static void Execute(ReadContext context, RespCommand command, RespWriter reply, bool fields, bool values)
    {
        if (TypedLookup.Find(context.GetLive(command[1]), DataType.Hash, out var hash) == LookupStatus.WrongType)
        {
            reply.WriteError(Errors.WrongType);
            return;
        }
        var count = HashValue.Count(hash.Payload);
        if (fields && values)
        {
            reply.WriteMapHeader(count);
        }
        else
        {
            reply.WriteArrayHeader(count);
        }
        foreach (var pair in HashValue.Enumerate(hash.Payload))
        {
            if (fields)
            {
                reply.WriteBulkString(pair.Field);
            }
            if (values)
            {
                reply.WriteBulkString(pair.Value);
            }
        }
    }
}
