using System.Globalization;
using Chorus.Simulation.Engine;
using Chorus.Simulation.History;

namespace Chorus.Simulation.Workloads;

/// <summary>
/// Lists, sorted sets and streams, and MULTI/EXEC transactions across them (issue 15: "each new
/// type and MULTI/EXEC under the simulator's faults"). Collection writes are judged by
/// convergence (every replica ends with the leader's digest) and the log's invariants; each
/// transaction also APPENDs a unique token to a register, which the acknowledged-write check
/// follows: an acknowledged EXEC must survive whole, and a transaction is one log entry, so a
/// replica that applied half of one would fail convergence.
/// </summary>
public sealed class CollectionsWorkload : IWorkload
{
    public string Name => "collections";

    public string Description => "RPUSH/LPOP/LMOVE, ZADD/ZINCRBY/ZPOPMIN, XADD/XDEL/XTRIM on a few keys, and MULTI/EXEC over all three";

    public IOperationGenerator NewClient(string client) => new Generator(new UniqueValues(client));

    private sealed class Generator(UniqueValues tokens) : IOperationGenerator
    {
        public IReadOnlyList<PlannedOp> Next(SimRandom random)
        {
            var n = Text(random.Next(2));
            var (list, zset, stream) = ("q" + n, "z" + n, "x" + n);
            var member = "m" + Text(random.Next(8));
            string[] command = random.Next(14) switch
            {
                0 or 1 => [random.Chance(0.5) ? "RPUSH" : "LPUSH", list, tokens.Next(), tokens.Next()],
                2 => ["LPOP", list],
                3 => ["RPOP", list, "2"],
                4 => ["LMOVE", "q0", "q1", random.Chance(0.5) ? "LEFT" : "RIGHT", "LEFT"],
                5 or 6 => ["ZADD", zset, Text(random.Next(100)), member, Text(random.Next(100)), "m" + Text(random.Next(8))],
                7 => ["ZINCRBY", zset, "1.5", member],
                8 => ["ZPOPMIN", zset],
                9 => ["ZREM", zset, member],
                10 or 11 => ["XADD", stream, "MAXLEN", "50", "*", "f", tokens.Next()],
                12 => random.Chance(0.5) ? ["XTRIM", stream, "MAXLEN", "20"] : ["XDEL", stream, "0-1"],
                _ => [],
            };
            return command.Length > 0 ? [new PlannedOp(OpKind.Nondeterministic, [command[1]], Arguments: command)] : Transaction(random, n, list, zset, stream, member);
        }

        /// <summary>MULTI/EXEC: a token appended to a register, pushed to a list, a score bumped, a stream entry added; one log entry.</summary>
        private PlannedOp[] Transaction(SimRandom random, string n, string list, string zset, string stream, string member)
        {
            var token = tokens.Next();
            return
            [
                new PlannedOp(OpKind.Append, ["t" + n], token) { InTransaction = true },
                new PlannedOp(OpKind.Nondeterministic, [list], Arguments: ["RPUSH", list, token]) { InTransaction = true },
                new PlannedOp(OpKind.Nondeterministic, [zset], Arguments: ["ZINCRBY", zset, Text(1 + random.Next(3)), member]) { InTransaction = true },
                new PlannedOp(OpKind.Nondeterministic, [stream], Arguments: ["XADD", stream, "*", "t", token]) { InTransaction = true },
            ];
        }

        private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
    }
}
