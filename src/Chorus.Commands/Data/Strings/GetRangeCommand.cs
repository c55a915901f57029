using Chorus.Commands.Data.Numbers;
using Chorus.Commands.Execution;
using Chorus.Commands.Values;
using Chorus.Resp;

namespace Chorus.Commands.Data.Strings;

/// <summary>
/// GETRANGE key start end — the substring between two inclusive offsets, negative ones counting
/// from the end; an empty string when the range is empty or the key absent. SUBSTR is its old
/// name, which Redis 7 still answers.
/// </summary>
internal static class GetRangeCommand
{
    public static readonly CommandSpec Spec = new("GETRANGE", 4, CommandFlags.ReadOnly, 1, 1, 1, Read: Execute);

    public static readonly CommandSpec SubstrSpec = Spec with { Name = "SUBSTR" };

    private static void Execute(ReadContext context, RespCommand command, RespWriter reply)
    {
        if (!IntegerText.TryParse(command[2], out var start) || !IntegerText.TryParse(command[3], out var end))
        {
            reply.WriteError(Errors.NotInteger);
            return;
        }
        switch (TypedLookup.Find(context.GetLive(command[1]), DataType.String, out var value))
        {
            case LookupStatus.WrongType:
                reply.WriteError(Errors.WrongType);
                return;
            case LookupStatus.Absent:
                reply.WriteBulkString([]);
                return;
        }
        reply.WriteBulkString(Slice(value.Payload, start, end));
    }

    /// <summary>Redis's getrangeCommand index rules, step for step.</summary>
    private static ReadOnlySpan<byte> Slice(ReadOnlySpan<byte> text, long start, long end)
    {
        long length = text.Length;
        if (start < 0 && end < 0 && start > end)
        {
            return [];
        }
        start = start < 0 ? Math.Max(0, length + start) : start;
        end = end < 0 ? Math.Max(0, length + end) : end;
        end = Math.Min(end, length - 1);
        return start > end || length == 0 ? [] : text.Slice((int)start, (int)(end - start + 1));
    }
}
