using Chorus.Simulation.Engine;
using Chorus.Simulation.History;

namespace Chorus.Simulation.Workloads;

/// <summary>
/// List-append: APPEND of unique tokens and GETs that return the whole list. Some appends go out
/// as a pipeline of two or three, as real clients pipeline, so one replication message often
/// carries several entries for the same key.
/// </summary>
public sealed class ListAppendWorkload : IWorkload
{
    private static readonly string[] Keys = ["l0", "l1", "l2", "l3"];

    public string Name => "list-append";

    public string Description => "APPEND unique tokens / GET whole lists on 4 keys, some appends pipelined";

    public IOperationGenerator NewClient(string client) => new Generator(new UniqueValues(client));

    private sealed class Generator(UniqueValues tokens) : IOperationGenerator
    {
        public IReadOnlyList<PlannedOp> Next(SimRandom random)
        {
            var key = random.Pick(Keys);
            if (random.Chance(0.5))
            {
                return [new PlannedOp(OpKind.Read, [key])];
            }
            var appends = new List<PlannedOp> { new(OpKind.Append, [key], tokens.Next()) };
            if (random.Chance(0.25))
            {
                var more = 1 + random.Next(2);
                for (var i = 0; i < more; i++)
                {
                    appends.Add(new PlannedOp(OpKind.Append, [random.Chance(0.5) ? key : random.Pick(Keys)], tokens.Next()));
                }
            }
            return appends;
        }
    }
}
