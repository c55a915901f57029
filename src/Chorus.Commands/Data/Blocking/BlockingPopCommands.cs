using Chorus.Commands.Data.Lists;
using Chorus.Commands.Data.SortedSets;
using Chorus.Commands.Execution;
using Chorus.Commands.Values;
using Chorus.Resp;

namespace Chorus.Commands.Data.Blocking;

/// <summary>
/// BLPOP, BRPOP, BLMOVE, BRPOPLPUSH, BLMPOP, BZPOPMIN, BZPOPMAX, BZMPOP (Redis 7.0): the
/// non-blocking command's work when a key has something to pop. When every key is empty the
/// command writes no reply and asks to wait (<see cref="WriteContext.Block"/>); the node shell
/// parks it and runs it again when one of its keys changes, or replies with a null array at its
/// deadline. Where waiting is not allowed (inside MULTI or a script) it replies at once as if it
/// had timed out — a null array, or for BLMOVE/BRPOPLPUSH a null bulk, as Redis does.
/// </summary>
internal static class BlockingPopCommands
{
    private const CommandFlags ListFlags = CommandFlags.Write | CommandFlags.NoScript | CommandFlags.Blocking;

    public static readonly CommandSpec BLPopSpec = new("BLPOP", -3, ListFlags, 1, -2, 1, Write: (c, cmd, r) => Pop(c, cmd, r, DataType.List, left: true));

    public static readonly CommandSpec BRPopSpec = new("BRPOP", -3, ListFlags, 1, -2, 1, Write: (c, cmd, r) => Pop(c, cmd, r, DataType.List, left: false));

    public static readonly CommandSpec BLMoveSpec = new("BLMOVE", 6, ListFlags | CommandFlags.DenyOom, 1, 2, 1, Write: ExecuteBLMove);

    public static readonly CommandSpec BRPopLPushSpec = new("BRPOPLPUSH", 4, ListFlags | CommandFlags.DenyOom, 1, 2, 1, Write: (c, cmd, r) => Move(c, cmd, r, fromLeft: false, toLeft: true, timeoutAt: 3));

    public static readonly CommandSpec BLMPopSpec = new("BLMPOP", -5, CommandFlags.Write | CommandFlags.Blocking | CommandFlags.MovableKeys, 0, 0, 0, Write: (c, cmd, r) => PopFirst(c, cmd, r, PopCommands.TryPopFirst));

    public static readonly CommandSpec BZPopMinSpec = new("BZPOPMIN", -3, ListFlags | CommandFlags.Fast, 1, -2, 1, Write: (c, cmd, r) => Pop(c, cmd, r, DataType.SortedSet, left: true));

    public static readonly CommandSpec BZPopMaxSpec = new("BZPOPMAX", -3, ListFlags | CommandFlags.Fast, 1, -2, 1, Write: (c, cmd, r) => Pop(c, cmd, r, DataType.SortedSet, left: false));

    public static readonly CommandSpec BZMPopSpec = new("BZMPOP", -5, CommandFlags.Write | CommandFlags.Blocking | CommandFlags.MovableKeys, 0, 0, 0, Write: (c, cmd, r) => PopFirst(c, cmd, r, ZPopCommands.TryPopFirst));

    /// <summary>BLPOP/BRPOP/BZPOPMIN/BZPOPMAX key [key ...] timeout: [key, element] or [key, member, score] from the first non-empty key.</summary>
    private static void Pop(WriteContext context, RespCommand command, RespWriter reply, DataType type, bool left)
    {
        var last = command.ArgumentCount - 1;
        if (!BlockingTimeout.TryParse(command, last, context.NowMs, reply, out var timeoutMs))
        {
            return;
        }
        for (var i = 1; i < last; i++)
        {
            var live = context.GetLive(command[i]);
            switch (TypedLookup.Find(live, type, out _))
            {
                case LookupStatus.WrongType:
                    reply.WriteError(Errors.WrongType);
                    return;
                case LookupStatus.Found when type == DataType.List:
                    var element = ListWrites.Pop(context, context.Db, command[i], live!, 1, left)[0];
                    reply.WriteArrayHeader(2);
                    reply.WriteBulkString(command[i]);
                    reply.WriteBulkString(element);
                    return;
                case LookupStatus.Found:
                    var member = ZPopCommands.Pop(context, command[i], live!, 1, max: !left)[0];
                    reply.WriteArrayHeader(3);
                    reply.WriteBulkString(command[i]);
                    reply.WriteBulkString(member.Member);
                    ScoreText.Write(reply, member.Score);
                    return;
            }
        }
        Wait(context, reply, timeoutMs, Keys(command, 1, last), nullBulk: false);
    }

    private static void ExecuteBLMove(WriteContext context, RespCommand command, RespWriter reply)
    {
        if (!LMoveCommand.TryParseEnd(command, 3, out var fromLeft) || !LMoveCommand.TryParseEnd(command, 4, out var toLeft))
        {
            reply.WriteError(Errors.Syntax);
            return;
        }
        Move(context, command, reply, fromLeft, toLeft, timeoutAt: 5);
    }

    /// <summary>BLMOVE / BRPOPLPUSH source destination ... timeout: LMOVE's work once the source has an element.</summary>
    private static void Move(WriteContext context, RespCommand command, RespWriter reply, bool fromLeft, bool toLeft, int timeoutAt)
    {
        if (!BlockingTimeout.TryParse(command, timeoutAt, context.NowMs, reply, out var timeoutMs))
        {
            return;
        }
        switch (TypedLookup.Find(context.GetLive(command[1]), DataType.List, out _))
        {
            case LookupStatus.WrongType:
                reply.WriteError(Errors.WrongType);
                return;
            case LookupStatus.Absent:
                Wait(context, reply, timeoutMs, [command[1].ToArray()], nullBulk: true);
                return;
        }
        LMoveCommand.Move(context, command, reply, fromLeft, toLeft);
    }

    private delegate bool PopFirstHandler(WriteContext context, RespCommand command, RespWriter reply, int numKeysAt, Func<bool>? parsed);

    /// <summary>BLMPOP / BZMPOP timeout numkeys key [key ...] ...: LMPOP's or ZMPOP's work; the timeout is read after the other arguments, as Redis does.</summary>
    private static void PopFirst(WriteContext context, RespCommand command, RespWriter reply, PopFirstHandler popFirst)
    {
        long timeoutMs = 0;
        if (popFirst(context, command, reply, numKeysAt: 2, () => BlockingTimeout.TryParse(command, 1, context.NowMs, reply, out timeoutMs)))
        {
            return;
        }
        // Only reached once numkeys parsed: the keys follow it.
        var keys = int.Parse(System.Text.Encoding.ASCII.GetString(command[2]), System.Globalization.CultureInfo.InvariantCulture);
        Wait(context, reply, timeoutMs, Keys(command, 3, 3 + keys), nullBulk: false);
    }

    /// <summary>Nothing to pop: wait if the host allows it, else answer as a timeout would.</summary>
    private static void Wait(WriteContext context, RespWriter reply, long timeoutMs, IReadOnlyList<byte[]> keys, bool nullBulk)
    {
        if (context.BlockingAllowed)
        {
            context.Block = new BlockRequest(timeoutMs, keys);
        }
        else if (nullBulk)
        {
            reply.WriteNull();
        }
        else
        {
            reply.WriteNullArray();
        }
    }

    private static byte[][] Keys(RespCommand command, int from, int to)
    {
        var keys = new byte[to - from][];
        for (var i = from; i < to; i++)
        {
            keys[i - from] = command[i].ToArray();
        }
        return keys;
    }
}
