using Chorus.Simulation.Engine;

namespace Chorus.Simulation.Workloads;

/// <summary>A kind of client traffic. Every client gets its own generator.</summary>
public interface IWorkload
{
    string Name { get; }

    string Description { get; }

    IOperationGenerator NewClient(string client);
}

/// <summary>One client's stream of requests: one read, or one or more writes sent as a pipeline.</summary>
public interface IOperationGenerator
{
    IReadOnlyList<PlannedOp> Next(SimRandom random);
}
