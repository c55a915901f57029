using Chorus.Commands.Execution;
using Chorus.Commands.Values;
using Chorus.Resp;

namespace Chorus.Commands.Data.Sets;

/// <summary>SMEMBERS key — every member (a set in RESP3, an array in RESP2); empty when absent.</summary>
internal static class SMembersCommand
{
    public static readonly CommandSpec Spec = new("SMEMBERS", 2, CommandFlags.ReadOnly, 1, 1, 1, Read: Execute);

    private static void Execute(ReadContext context, RespCommand command, RespWriter reply)
    {
        if (TypedLookup.Find(context.GetLive(command[1]), DataType.Set, out var set) == LookupStatus.WrongType)
        {
            reply.WriteError(Errors.WrongType);
            return;
        }
        reply.WriteSetHeader(SetValue.Count(set.Payload));
        foreach (var member in SetValue.Enumerate(set.Payload))
        {
            reply.WriteBulkString(member);
        }
    }
}
