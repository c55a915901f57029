using Chorus.Commands.Data.Numbers;
using Chorus.Commands.Execution;
using Chorus.Resp;

namespace Chorus.Commands.Data.Sets;

/// <summary>
/// SINTER, SUNION, SDIFF key [key ...] (a set reply); SINTERSTORE, SUNIONSTORE, SDIFFSTORE
/// destination key [key ...] (the destination becomes the result, or goes when it is empty; replies
/// with its size); SINTERCARD numkeys key [key ...] [LIMIT limit] (the intersection's size).
/// </summary>
internal static class SetAlgebraCommands
{
    public static readonly CommandSpec SInterSpec = ReadSpec("SINTER", SetAlgebra.Operation.Intersection);

    public static readonly CommandSpec SUnionSpec = ReadSpec("SUNION", SetAlgebra.Operation.Union);

    public static readonly CommandSpec SDiffSpec = ReadSpec("SDIFF", SetAlgebra.Operation.Difference);

    public static readonly CommandSpec SInterStoreSpec = StoreSpec("SINTERSTORE", SetAlgebra.Operation.Intersection);

    public static readonly CommandSpec SUnionStoreSpec = StoreSpec("SUNIONSTORE", SetAlgebra.Operation.Union);

    public static readonly CommandSpec SDiffStoreSpec = StoreSpec("SDIFFSTORE", SetAlgebra.Operation.Difference);

    public static readonly CommandSpec SInterCardSpec = new("SINTERCARD", -3, CommandFlags.ReadOnly | CommandFlags.MovableKeys, 0, 0, 0, Read: ExecuteInterCard);

    private static CommandSpec ReadSpec(string name, SetAlgebra.Operation operation) =>
        new(name, -2, CommandFlags.ReadOnly, 1, -1, 1, Read: (context, command, reply) =>
        {
            if (SetAlgebra.Compute(context, command, 1, command.ArgumentCount - 1, operation, reply) is { } result)
            {
                reply.WriteSetHeader(result.Count);
                foreach (var member in result)
                {
                    reply.WriteBulkString(member);
                }
            }
        });

    private static CommandSpec StoreSpec(string name, SetAlgebra.Operation operation) =>
        new(name, -3, CommandFlags.Write | CommandFlags.DenyOom, 1, -1, 1, Write: (context, command, reply) =>
        {
            if (SetAlgebra.Compute(context, command, 2, command.ArgumentCount - 2, operation, reply) is { } result)
            {
                SetWrites.Store(context, command[1], result);
                reply.WriteInteger(result.Count);
            }
        });

    private static void ExecuteInterCard(ReadContext context, RespCommand command, RespWriter reply)
    {
        if (!IntegerText.TryParse(command[1], out var keys) || keys <= 0)
        {
            reply.WriteError("ERR numkeys should be greater than 0");
            return;
        }
        if (keys > command.ArgumentCount - 2)
        {
            reply.WriteError("ERR Number of keys can't be greater than number of args");
            return;
        }
        long limit = 0;
        var rest = 2 + (int)keys;
        if (rest < command.ArgumentCount)
        {
            if (rest + 2 != command.ArgumentCount || !command.ArgumentIs(rest, "LIMIT"u8))
            {
                reply.WriteError(Errors.Syntax);
                return;
            }
            if (!IntegerText.TryParse(command[rest + 1], out limit) || limit < 0)
            {
                reply.WriteError("ERR LIMIT can't be negative");
                return;
            }
        }
        if (SetAlgebra.Compute(context, command, 2, (int)keys, SetAlgebra.Operation.Intersection, reply, limit) is { } result)
        {
            reply.WriteInteger(result.Count);
        }
    }
}
