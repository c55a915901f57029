using Chorus.Commands.Execution;
using Chorus.Commands.Keyspace;
using Chorus.Commands.Values;
using Chorus.Resp;

namespace Chorus.Commands.Data.Sets;

/// <summary>SMEMBERS key — every member (a set in RESP3, an array in RESP2), streamed in storage order; empty when absent.</summary>
internal static class SMembersCommand
{
    public static readonly CommandSpec Spec = new("SMEMBERS", 2, CommandFlags.ReadOnly, 1, 1, 1, Read: Execute);

    private static void Execute(ReadContext context, RespCommand command, RespWriter reply)
    {
        var status = TypedLookup.Find(context.GetLive(command[1]), DataType.Set, out var set);
        if (status == LookupStatus.WrongType)
        {
            reply.WriteError(Errors.WrongType);
            return;
        }
        var members = new CountedReply(reply);
        if (status == LookupStatus.Found)
        {
            using var elements = context.OpenElements(set.CollectionId);
            for (elements.SeekToFirst(); elements.Valid; elements.Next())
            {
                members.Body.WriteBulkString(ElementKey.NameOf(elements.SubKey));
                members.Count++;
            }
        }
        members.FinishSet();
    }
}
