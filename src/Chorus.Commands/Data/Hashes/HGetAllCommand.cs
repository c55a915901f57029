using Chorus.Commands.Execution;
using Chorus.Commands.Keyspace;
using Chorus.Commands.Values;
using Chorus.Resp;

namespace Chorus.Commands.Data.Hashes;

/// <summary>
/// HGETALL (fields and values: a map in RESP3, a flat array in RESP2), HKEYS and HVALS (arrays),
/// streamed from the hash's elements in storage order (by field hash, like a Redis hash table);
/// empty when the key is absent.
/// </summary>
internal static class HGetAllCommand
{
    public static readonly CommandSpec HGetAllSpec = new("HGETALL", 2, CommandFlags.ReadOnly, 1, 1, 1, Read: (c, cmd, r) => Execute(c, cmd, r, fields: true, values: true));

    public static readonly CommandSpec HKeysSpec = new("HKEYS", 2, CommandFlags.ReadOnly, 1, 1, 1, Read: (c, cmd, r) => Execute(c, cmd, r, fields: true, values: false));

    public static readonly CommandSpec HValsSpec = new("HVALS", 2, CommandFlags.ReadOnly, 1, 1, 1, Read: (c, cmd, r) => Execute(c, cmd, r, fields: false, values: true));

    private static void Execute(ReadContext context, RespCommand command, RespWriter reply, bool fields, bool values)
    {
        var status = TypedLookup.Find(context.GetLive(command[1]), DataType.Hash, out var hash);
        if (status == LookupStatus.WrongType)
        {
            reply.WriteError(Errors.WrongType);
            return;
        }
        var items = new CountedReply(reply);
        if (status == LookupStatus.Found)
        {
            using var elements = context.OpenElements(hash.CollectionId);
            for (elements.SeekToFirst(); elements.Valid; elements.Next())
            {
                if (fields)
                {
                    items.Body.WriteBulkString(ElementKey.NameOf(elements.SubKey));
                }
                if (values)
                {
                    items.Body.WriteBulkString(elements.Value);
                }
                items.Count++;
            }
        }
        if (fields && values)
        {
            items.FinishMap();
        }
        else
        {
            items.FinishArray();
        }
    }
}
