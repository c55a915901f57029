using System.Buffers.Text;
using Chorus.Commands.Data.Numbers;
using Chorus.Commands.Execution;
using Chorus.Commands.Values;
using Chorus.Resp;

namespace Chorus.Commands.Data.Strings;

/// <summary>
/// INCR, DECR, INCRBY, DECRBY — integer arithmetic on a string holding a 64-bit integer
/// (absent counts as 0). The key keeps its TTL; the new text is logged, never the increment.
/// </summary>
internal static class IncrementCommands
{
    private const CommandFlags Flags = CommandFlags.Write | CommandFlags.DenyOom | CommandFlags.Fast;

    public static readonly CommandSpec IncrSpec = new("INCR", 2, Flags, 1, 1, 1, Write: (c, cmd, r) => IncrementBy(c, cmd[1], 1, r));

    public static readonly CommandSpec DecrSpec = new("DECR", 2, Flags, 1, 1, 1, Write: (c, cmd, r) => IncrementBy(c, cmd[1], -1, r));

    public static readonly CommandSpec IncrBySpec = new("INCRBY", 3, Flags, 1, 1, 1, Write: ExecuteIncrBy);

    public static readonly CommandSpec DecrBySpec = new("DECRBY", 3, Flags, 1, 1, 1, Write: ExecuteDecrBy);

    private static void ExecuteIncrBy(WriteContext context, RespCommand command, RespWriter reply)
    {
        if (!IntegerText.TryParse(command[2], out var increment))
        {
            reply.WriteError(Errors.NotInteger);
            return;
        }
        IncrementBy(context, command[1], increment, reply);
    }

    private static void ExecuteDecrBy(WriteContext context, RespCommand command, RespWriter reply)
    {
        if (!IntegerText.TryParse(command[2], out var decrement))
        {
            reply.WriteError(Errors.NotInteger);
            return;
        }
        if (decrement == long.MinValue)
        {
            reply.WriteError(Errors.DecrementOverflow);
            return;
        }
        IncrementBy(context, command[1], -decrement, reply);
    }

    private static void IncrementBy(WriteContext context, ReadOnlySpan<byte> key, long increment, RespWriter reply)
    {
        var live = context.GetLive(key);
        long current = 0;
        switch (TypedLookup.Find(live, DataType.String, out var value))
        {
            case LookupStatus.WrongType:
                reply.WriteError(Errors.WrongType);
                return;
            case LookupStatus.Found when !IntegerText.TryParse(value.Payload, out current):
                reply.WriteError(Errors.NotInteger);
                return;
        }
        if (!IntegerSum.TryAdd(current, increment, out var result))
        {
            reply.WriteError(Errors.Overflow);
            return;
        }
        Span<byte> text = stackalloc byte[IntegerText.LengthMax];
        Utf8Formatter.TryFormat(result, text, out var length);
        StringWrites.Put(context, key, text[..length], StringWrites.ExpiryOf(live));
        reply.WriteInteger(result);
    }
}
