using Chorus.Simulation.Engine;
using Chorus.Simulation.History;

namespace Chorus.Simulation.Workloads;

/// <summary>Registers: GET, SET of unique values and SET NX over a few keys.</summary>
public sealed class RegisterWorkload : IWorkload
{
    private static readonly string[] Keys = ["r0", "r1", "r2", "r3", "r4", "r5"];

    public string Name => "registers";

    public string Description => "GET / SET (unique values) / SET NX on 6 keys";

    public IOperationGenerator NewClient(string client) => new Generator(new UniqueValues(client));

    private sealed class Generator(UniqueValues values) : IOperationGenerator
    {
        public IReadOnlyList<PlannedOp> Next(SimRandom random)
        {
            var roll = random.NextDouble();
            var key = random.Pick(Keys);
            if (roll < 0.5)
            {
                return [new PlannedOp(OpKind.Read, [key])];
            }
            if (roll < 0.9)
            {
                var writes = new List<PlannedOp> { new(OpKind.Write, [key], values.Next()) };
                if (random.Chance(0.15))
                {
                    writes.Add(new PlannedOp(OpKind.Write, [random.Pick(Keys)], values.Next()));
                }
                return writes;
            }
            return [new PlannedOp(OpKind.SetIfAbsent, [key], values.Next())];
        }
    }
}
