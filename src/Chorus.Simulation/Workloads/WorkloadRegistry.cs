namespace Chorus.Simulation.Workloads;

/// <summary>The workloads by name.</summary>
public static class WorkloadRegistry
{
    public static IReadOnlyList<IWorkload> All { get; } = [new RegisterWorkload(), new ListAppendWorkload(), new CounterWorkload(), new SessionWorkload(), new NondeterministicWorkload(), new CollectionsWorkload()];

    public static IWorkload Named(string name) =>
        All.FirstOrDefault(w => w.Name == name) ?? throw new ArgumentException($"unknown workload '{name}' (known: {string.Join(", ", All.Select(w => w.Name))})", nameof(name));
}
