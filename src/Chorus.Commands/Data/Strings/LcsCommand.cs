using Chorus.Commands.Data.Numbers;
using Chorus.Commands.Execution;
using Chorus.Commands.Values;
using Chorus.Resp;

namespace Chorus.Commands.Data.Strings;

/// <summary>
/// LCS key1 key2 [LEN] [IDX] [MINMATCHLEN len] [WITHMATCHLEN] — the longest common subsequence of
/// two strings (missing keys are empty), its length, or the matching ranges (from the end, as
/// Redis finds them). The dynamic-programming table is bounded like Redis's: a request whose table
/// would exceed proto-max-bulk-len is refused, so two small keys cannot make a huge allocation.
/// </summary>
internal static class LcsCommand
{
    public static readonly CommandSpec Spec = new("LCS", -3, CommandFlags.ReadOnly, 1, 2, 1, Read: Execute);

    private static void Execute(ReadContext context, RespCommand command, RespWriter reply)
    {
        var first = TypedLookup.Find(context.GetLive(command[1]), DataType.String, out var a);
        var second = TypedLookup.Find(context.GetLive(command[2]), DataType.String, out var b);
        if (first == LookupStatus.WrongType || second == LookupStatus.WrongType)
        {
            reply.WriteError("ERR The specified keys must contain string values");
            return;
        }
        if (!TryParseOptions(command, reply, out var options))
        {
            return;
        }
        var cells = (a.Payload.Length + 1L) * (b.Payload.Length + 1L);
        if (cells * sizeof(uint) > DataLimits.StringLengthMax)
        {
            reply.WriteError("ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len");
            return;
        }
        new LcsTable(a.Payload, b.Payload).Reply(reply, options);
    }

    internal readonly record struct Options(bool Length, bool Indexes, bool WithMatchLength, long MinMatchLength);

    private static bool TryParseOptions(RespCommand command, RespWriter reply, out Options options)
    {
        options = default;
        for (var j = 3; j < command.ArgumentCount; j++)
        {
            if (command.ArgumentIs(j, "IDX"u8))
            {
                options = options with { Indexes = true };
            }
            else if (command.ArgumentIs(j, "LEN"u8))
            {
                options = options with { Length = true };
            }
            else if (command.ArgumentIs(j, "WITHMATCHLEN"u8))
            {
                options = options with { WithMatchLength = true };
            }
            else if (command.ArgumentIs(j, "MINMATCHLEN"u8) && j + 1 < command.ArgumentCount)
            {
                if (!IntegerText.TryParse(command[++j], out var minimum))
                {
                    reply.WriteError(Errors.NotInteger);
                    return false;
                }
                options = options with { MinMatchLength = Math.Max(0, minimum) };
            }
            else
            {
                reply.WriteError(Errors.Syntax);
                return false;
            }
        }
        if (options.Indexes && options.Length)
        {
            reply.WriteError("ERR If you want both the length and indexes, please just use IDX.");
            return false;
        }
        return true;
    }
}
