using Chorus.Simulation.Engine;
using Chorus.Simulation.History;

namespace Chorus.Simulation.Workloads;

/// <summary>
/// Sessions: each client appends unique tokens to a few shared keys and reads all of them at once
/// (MGET), so every read shows its own recent writes and everyone else's — what the session
/// guarantees (read-your-writes, monotonic reads, consistent prefix…) are about.
/// </summary>
public sealed class SessionWorkload : IWorkload
{
    private static readonly string[] Keys = ["s0", "s1", "s2", "s3"];

    public string Name => "sessions";

    public string Description => "APPEND unique tokens to 4 shared keys / MGET all 4";

    public IOperationGenerator NewClient(string client) => new Generator(new UniqueValues(client));

    private sealed class Generator(UniqueValues tokens) : IOperationGenerator
    {
        public IReadOnlyList<PlannedOp> Next(SimRandom random) =>
            random.Chance(0.5)
                ? [new PlannedOp(OpKind.MultiRead, Keys)]
                : [new PlannedOp(OpKind.Append, [random.Pick(Keys)], tokens.Next())];
    }
}
