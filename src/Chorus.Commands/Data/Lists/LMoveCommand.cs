using Chorus.Commands.Execution;
using Chorus.Commands.Logical;
using Chorus.Commands.Values;
using Chorus.Resp;

namespace Chorus.Commands.Data.Lists;

/// <summary>
/// LMOVE source destination LEFT|RIGHT LEFT|RIGHT and RPOPLPUSH source destination (= RIGHT LEFT):
/// pops an element from one end of the source and pushes it onto one end of the destination (the
/// same list rotates), replying with it, or nil when the source is absent. Both keys are checked
/// before anything moves.
/// </summary>
internal static class LMoveCommand
{
    public static readonly CommandSpec LMoveSpec = new("LMOVE", 5, CommandFlags.Write | CommandFlags.DenyOom, 1, 2, 1, Write: ExecuteLMove);

    public static readonly CommandSpec RPopLPushSpec = new("RPOPLPUSH", 3, CommandFlags.Write | CommandFlags.DenyOom, 1, 2, 1, Write: (c, cmd, r) => Move(c, cmd, r, fromLeft: false, toLeft: true));

    private static void ExecuteLMove(WriteContext context, RespCommand command, RespWriter reply)
    {
        if (!TryParseEnd(command, 3, out var fromLeft) || !TryParseEnd(command, 4, out var toLeft))
        {
            reply.WriteError(Errors.Syntax);
            return;
        }
        Move(context, command, reply, fromLeft, toLeft);
    }

    internal static void Move(WriteContext context, RespCommand command, RespWriter reply, bool fromLeft, bool toLeft)
    {
        var source = context.GetLive(command[1]);
        var sourceStatus = TypedLookup.Find(source, DataType.List, out _);
        if (sourceStatus == LookupStatus.WrongType)
        {
            reply.WriteError(Errors.WrongType);
            return;
        }
        if (sourceStatus == LookupStatus.Absent)
        {
            reply.WriteNull();
            return;
        }
        var destination = context.GetLive(command[2]);
        if (TypedLookup.Find(destination, DataType.List, out _) == LookupStatus.WrongType)
        {
            reply.WriteError(Errors.WrongType);
            return;
        }
        byte[] element;
        if (command[1].SequenceEqual(command[2]))
        {
            // A rotation: the pop and the push are one change, so the list never looks empty in between.
            var list = KeyRecord.Parse(source!);
            element = ListReads.At(context, list, fromLeft ? 0 : list.Count - 1)!;
            ListWrites.Record(context, context.Db, command[1], source, [Pop(fromLeft, element), Push(toLeft, element)]);
        }
        else
        {
            element = ListWrites.Pop(context, context.Db, command[1], source!, 1, fromLeft)[0];
            ListWrites.Push(context, command[2], destination, [element], toLeft);
        }
        reply.WriteBulkString(element);
    }

    private static ListEdit Pop(bool left, byte[] element) => new(left ? ListEditKind.PopLeft : ListEditKind.PopRight, 0, element);

    private static ListEdit Push(bool left, byte[] element) => new(left ? ListEditKind.PushLeft : ListEditKind.PushRight, 0, element);

    internal static bool TryParseEnd(RespCommand command, int index, out bool left)
    {
        left = command.ArgumentIs(index, "LEFT"u8);
        return left || command.ArgumentIs(index, "RIGHT"u8);
    }
}
