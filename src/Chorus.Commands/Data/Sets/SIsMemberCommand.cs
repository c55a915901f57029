using Chorus.Commands.Execution;
using Chorus.Commands.Values;
using Chorus.Resp;

namespace Chorus.Commands.Data.Sets;

/// <summary>
/// SISMEMBER key member (0 or 1), SMISMEMBER key member [member ...] (an array of 0 and 1) and
/// SCARD key (the number of members); an absent key is an empty set.
/// </summary>
internal static class SIsMemberCommand
{
    private const CommandFlags Flags = CommandFlags.ReadOnly | CommandFlags.Fast;

    public static readonly CommandSpec SIsMemberSpec = new("SISMEMBER", 3, Flags, 1, 1, 1, Read: ExecuteSIsMember);

    public static readonly CommandSpec SMIsMemberSpec = new("SMISMEMBER", -3, Flags, 1, 1, 1, Read: ExecuteSMIsMember);

    public static readonly CommandSpec SCardSpec = new("SCARD", 2, Flags, 1, 1, 1, Read: ExecuteSCard);

    private static void ExecuteSIsMember(ReadContext context, RespCommand command, RespWriter reply)
    {
        var status = TypedLookup.Find(context.GetLive(command[1]), DataType.Set, out var set);
        if (status == LookupStatus.WrongType)
        {
            reply.WriteError(Errors.WrongType);
            return;
        }
        reply.WriteInteger(status == LookupStatus.Found && ElementReads.HasNamed(context, set.CollectionId, command[2]) ? 1 : 0);
    }

    private static void ExecuteSMIsMember(ReadContext context, RespCommand command, RespWriter reply)
    {
        var status = TypedLookup.Find(context.GetLive(command[1]), DataType.Set, out var set);
        if (status == LookupStatus.WrongType)
        {
            reply.WriteError(Errors.WrongType);
            return;
        }
        reply.WriteArrayHeader(command.ArgumentCount - 2);
        for (var i = 2; i < command.ArgumentCount; i++)
        {
            reply.WriteInteger(status == LookupStatus.Found && ElementReads.HasNamed(context, set.CollectionId, command[i]) ? 1 : 0);
        }
    }

    private static void ExecuteSCard(ReadContext context, RespCommand command, RespWriter reply)
    {
        if (TypedLookup.Find(context.GetLive(command[1]), DataType.Set, out var set) == LookupStatus.WrongType)
        {
            reply.WriteError(Errors.WrongType);
            return;
        }
        reply.WriteInteger(set.Count);
    }
}
