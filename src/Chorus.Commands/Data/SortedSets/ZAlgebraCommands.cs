using Chorus.Commands.Execution;

namespace Chorus.Commands.Data.SortedSets;

/// <summary>
/// ZUNION, ZINTER, ZDIFF numkeys key [key ...] [WEIGHTS ...] [AGGREGATE ...] [WITHSCORES] (a
/// reply), ZUNIONSTORE, ZINTERSTORE, ZDIFFSTORE destination numkeys key [key ...] (the destination
/// becomes the result, or goes when it is empty; replies with its size) and ZINTERCARD numkeys key
/// [key ...] [LIMIT limit].
/// </summary>
internal static class ZAlgebraCommands
{
    public static readonly CommandSpec ZUnionSpec = ReadSpec("ZUNION", ZSetAlgebra.Operation.Union);

    public static readonly CommandSpec ZInterSpec = ReadSpec("ZINTER", ZSetAlgebra.Operation.Intersection);

    public static readonly CommandSpec ZDiffSpec = ReadSpec("ZDIFF", ZSetAlgebra.Operation.Difference);

    public static readonly CommandSpec ZUnionStoreSpec = StoreSpec("ZUNIONSTORE", ZSetAlgebra.Operation.Union);

    public static readonly CommandSpec ZInterStoreSpec = StoreSpec("ZINTERSTORE", ZSetAlgebra.Operation.Intersection);

    public static readonly CommandSpec ZDiffStoreSpec = StoreSpec("ZDIFFSTORE", ZSetAlgebra.Operation.Difference);

    public static readonly CommandSpec ZInterCardSpec = new("ZINTERCARD", -3, CommandFlags.ReadOnly | CommandFlags.MovableKeys, 0, 0, 0, Read: (context, command, reply) =>
    {
        if (ZSetAlgebra.TryParse(context, command, 1, ZSetAlgebra.Operation.Intersection, store: false, cardinality: true, "zintercard", reply, out var algebra))
        {
            reply.WriteInteger(algebra.Compute(context, ZSetAlgebra.Operation.Intersection).Count);
        }
    });

    private static CommandSpec ReadSpec(string name, ZSetAlgebra.Operation operation) =>
        new(name, -3, CommandFlags.ReadOnly | CommandFlags.MovableKeys, 0, 0, 0, Read: (context, command, reply) =>
        {
            if (ZSetAlgebra.TryParse(context, command, 1, operation, store: false, cardinality: false, name.ToLowerInvariant(), reply, out var algebra))
            {
                ScoreReplies.Write(reply, algebra.Compute(context, operation), algebra.WithScores);
            }
        });

    private static CommandSpec StoreSpec(string name, ZSetAlgebra.Operation operation) =>
        new(name, -4, CommandFlags.Write | CommandFlags.DenyOom | CommandFlags.MovableKeys, 1, 1, 1, Write: (context, command, reply) =>
        {
            if (ZSetAlgebra.TryParse(context, command, 2, operation, store: true, cardinality: false, name.ToLowerInvariant(), reply, out var algebra))
            {
                var result = algebra.Compute(context, operation);
                SortedSetWrites.Store(context, command[1], result);
                reply.WriteInteger(result.Count);
            }
        });
}
