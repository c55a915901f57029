using Chorus.Simulation.Engine;
using Chorus.Simulation.History;

namespace Chorus.Simulation.Workloads;

/// <summary>Counters: INCR and GET on two keys.</summary>
public sealed class CounterWorkload : IWorkload
{
    private static readonly string[] Keys = ["n0", "n1"];

    public string Name => "counters";

    public string Description => "INCR / GET on 2 keys";

    public IOperationGenerator NewClient(string client) => new Generator();

    private sealed class Generator : IOperationGenerator
    {
        public IReadOnlyList<PlannedOp> Next(SimRandom random)
        {
            var key = random.Pick(Keys);
            return random.Chance(0.6) ? [new PlannedOp(OpKind.Increment, [key])] : [new PlannedOp(OpKind.Read, [key])];
        }
    }
}
