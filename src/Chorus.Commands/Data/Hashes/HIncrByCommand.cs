using System.Buffers.Text;
using Chorus.Commands.Data.Numbers;
using Chorus.Commands.Execution;
using Chorus.Commands.Values;
using Chorus.Resp;

namespace Chorus.Commands.Data.Hashes;

/// <summary>HINCRBY key field increment — integer arithmetic on a field (absent counts as 0); replies with the new value.</summary>
internal static class HIncrByCommand
{
    public static readonly CommandSpec Spec = new("HINCRBY", 4, CommandFlags.Write | CommandFlags.DenyOom | CommandFlags.Fast, 1, 1, 1, Write: Execute);

    private static void Execute(WriteContext context, RespCommand command, RespWriter reply)
    {
        if (!IntegerText.TryParse(command[3], out var increment))
        {
            reply.WriteError(Errors.NotInteger);
            return;
        }
        var key = command[1];
        var live = context.GetLive(key);
        var status = TypedLookup.Find(live, DataType.Hash, out var hash);
        if (status == LookupStatus.WrongType)
        {
            reply.WriteError(Errors.WrongType);
            return;
        }
        long current = 0;
        var text = status == LookupStatus.Found ? ElementReads.GetNamed(context, hash.CollectionId, command[2]) : null;
        if (text is not null && !IntegerText.TryParse(text, out current))
        {
            reply.WriteError(Errors.HashValueNotInteger);
            return;
        }
        if (!IntegerSum.TryAdd(current, increment, out var result))
        {
            reply.WriteError(Errors.Overflow);
            return;
        }
        Span<byte> digits = stackalloc byte[IntegerText.LengthMax];
        Utf8Formatter.TryFormat(result, digits, out var length);
        HashWrites.SetField(context, key, live, command[2], digits[..length]);
        reply.WriteInteger(result);
    }
}
