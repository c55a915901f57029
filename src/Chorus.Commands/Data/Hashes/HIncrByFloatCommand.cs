using Chorus.Commands.Data.Numbers;
using Chorus.Commands.Execution;
using Chorus.Commands.Values;
using Chorus.Resp;

namespace Chorus.Commands.Data.Hashes;

/// <summary>
/// HINCRBYFLOAT key field increment — float arithmetic on a field (absent counts as 0), replying
/// with the new value as a bulk string; the resulting text is what gets logged.
/// </summary>
internal static class HIncrByFloatCommand
{
    public static readonly CommandSpec Spec = new("HINCRBYFLOAT", 4, CommandFlags.Write | CommandFlags.DenyOom | CommandFlags.Fast, 1, 1, 1, Write: Execute);

    private static void Execute(WriteContext context, RespCommand command, RespWriter reply)
    {
        var incrementText = command[3];
        if (!FloatText.TryParse(incrementText, out var increment))
        {
            reply.WriteError(Errors.NotFloat);
            return;
        }
        if (!double.IsFinite(increment))
        {
            reply.WriteError(Errors.NaNOrInfinityArgument);
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
        var stored = status == LookupStatus.Found ? ElementReads.GetNamed(context, hash.CollectionId, command[2]) : null;
        var currentText = stored is null ? "0"u8 : stored;
        if (!FloatText.TryParse(currentText, out var current))
        {
            reply.WriteError(Errors.HashValueNotFloat);
            return;
        }
        Span<byte> result = stackalloc byte[FloatSum.TextLengthMax];
        if (!FloatSum.TryAdd(currentText, current, incrementText, increment, result, out var length))
        {
            reply.WriteError(Errors.NaNOrInfinity);
            return;
        }
        HashWrites.SetField(context, key, live, command[2], result[..length]);
        reply.WriteBulkString(result[..length]);
    }
}
