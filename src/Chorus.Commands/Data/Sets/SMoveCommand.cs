using Chorus.Commands.Execution;
using Chorus.Commands.Values;
using Chorus.Resp;

namespace Chorus.Commands.Data.Sets;

/// <summary>
/// SMOVE source destination member — moves a member between sets: 1 if the source had it, else 0.
/// A missing source is 0; then both keys are type-checked; moving to the same set changes nothing.
/// </summary>
internal static class SMoveCommand
{
    public static readonly CommandSpec Spec = new("SMOVE", 4, CommandFlags.Write | CommandFlags.Fast, 1, 2, 1, Write: Execute);

    private static void Execute(WriteContext context, RespCommand command, RespWriter reply)
    {
        var source = context.GetLive(command[1]);
        var destination = context.GetLive(command[2]);
        var sourceStatus = TypedLookup.Find(source, DataType.Set, out var sourceSet);
        // As Redis: a missing source is 0 before the destination's type is looked at.
        if (sourceStatus == LookupStatus.Absent)
        {
            reply.WriteInteger(0);
            return;
        }
        if (sourceStatus == LookupStatus.WrongType || TypedLookup.Find(destination, DataType.Set, out _) == LookupStatus.WrongType)
        {
            reply.WriteError(Errors.WrongType);
            return;
        }
        var member = command[3].ToArray();
        if (!ElementReads.HasNamed(context, sourceSet.CollectionId, member))
        {
            reply.WriteInteger(0);
            return;
        }
        if (!command[1].SequenceEqual(command[2]))
        {
            SetWrites.Remove(context, command[1], source!, [member]);
            SetWrites.Add(context, command[2], destination, [member]);
        }
        reply.WriteInteger(1);
    }
}
