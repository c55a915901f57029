using Chorus.Commands.Execution;
using Chorus.Commands.Values;
using Chorus.Resp;

namespace Chorus.Commands.Data.Bitmaps;

/// <summary>
/// BITOP AND | OR | XOR | NOT destkey key [key ...] — a bitwise operation over strings (missing
/// keys are empty; shorter strings are zero-padded), stored in destkey (replacing any type); an
/// empty result deletes it. Replies with the result's length.
/// </summary>
internal static class BitOpCommand
{
    public static readonly CommandSpec Spec = new("BITOP", -4, CommandFlags.Write | CommandFlags.DenyOom, 2, -1, 1, Write: Execute);

    private enum Operation
    {
        And,
        Or,
        Xor,
        Not,
    }

    private static void Execute(WriteContext context, RespCommand command, RespWriter reply)
    {
        Operation? operation = command.ArgumentIs(1, "AND"u8) ? Operation.And
            : command.ArgumentIs(1, "OR"u8) ? Operation.Or
            : command.ArgumentIs(1, "XOR"u8) ? Operation.Xor
            : command.ArgumentIs(1, "NOT"u8) ? Operation.Not
            : null;
        if (operation is null)
        {
            reply.WriteError(Errors.Syntax);
            return;
        }
        if (operation == Operation.Not && command.ArgumentCount != 4)
        {
            reply.WriteError("ERR BITOP NOT must be called with a single source key.");
            return;
        }
        var sources = new List<byte[]>();
        for (var i = 3; i < command.ArgumentCount; i++)
        {
            switch (TypedLookup.Find(context.GetLive(command[i]), DataType.String, out var value))
            {
                case LookupStatus.WrongType:
                    reply.WriteError(Errors.WrongType);
                    return;
                case LookupStatus.Found:
                    sources.Add(value.Payload.ToArray());
                    break;
                default:
                    sources.Add([]);
                    break;
            }
        }
        var result = Combine(operation.Value, sources);
        if (result.Length == 0)
        {
            context.Delete(command[2]);
        }
        else
        {
            context.PutString(command[2], Records.String(result, 0));
        }
        reply.WriteInteger(result.Length);
    }

    private static byte[] Combine(Operation operation, List<byte[]> sources)
    {
        var result = new byte[sources.Max(s => s.Length)];
        for (var i = 0; i < result.Length; i++)
        {
            var first = Byte(sources[0], i);
            var value = operation == Operation.Not ? (byte)~first : first;
            for (var s = 1; s < sources.Count; s++)
            {
                var next = Byte(sources[s], i);
                value = operation switch
                {
                    Operation.And => (byte)(value & next),
                    Operation.Or => (byte)(value | next),
                    _ => (byte)(value ^ next),
                };
            }
            result[i] = value;
        }
        return result;
    }

    private static byte Byte(byte[] source, int i) => i < source.Length ? source[i] : (byte)0;
}
