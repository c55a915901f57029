using Chorus.Commands.Data.Numbers;
using Chorus.Commands.Execution;
using Chorus.Commands.Values;
using Chorus.Resp;

namespace Chorus.Commands.Data.Strings;

/// <summary>
/// INCRBYFLOAT key increment — long double arithmetic on a string (absent counts as 0), as
/// Redis computes it (<see cref="ExtendedFloat"/>), replying with the new value as a bulk string
/// in both protocols. The resulting text is logged as a put, so replicas never recompute floats.
/// The key keeps its TTL.
/// </summary>
internal static class IncrByFloatCommand
{
    public static readonly CommandSpec Spec = new("INCRBYFLOAT", 3, CommandFlags.Write | CommandFlags.DenyOom | CommandFlags.Fast, 1, 1, 1, Write: Execute);

    private static void Execute(WriteContext context, RespCommand command, RespWriter reply)
    {
        var key = command[1];
        var live = context.GetLive(key);
        var status = TypedLookup.Find(live, DataType.String, out var value);
        if (status == LookupStatus.WrongType)
        {
            reply.WriteError(Errors.WrongType);
            return;
        }
        var currentText = status == LookupStatus.Found ? value.Payload : "0"u8;
        if (!ExtendedFloatText.TryParse(currentText, out var current) || !ExtendedFloatText.TryParse(command[2], out var increment))
        {
            reply.WriteError(Errors.NotFloat);
            return;
        }
        var sum = current + increment;
        if (!sum.IsFinite)
        {
            reply.WriteError(Errors.NaNOrInfinity);
            return;
        }
        Span<byte> result = stackalloc byte[ExtendedFloat.HumanTextLengthMax];
        var length = sum.FormatHuman(result);
        StringWrites.Put(context, key, result[..length], StringWrites.ExpiryOf(live));
        reply.WriteBulkString(result[..length]);
    }
}
