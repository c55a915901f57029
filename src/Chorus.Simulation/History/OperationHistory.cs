namespace Chorus.Simulation.History;

/// <summary>Every operation of a run, by id (invocation order).</summary>
public sealed class OperationHistory(IReadOnlyList<Operation> operations)
{
    public IReadOnlyList<Operation> Operations { get; } = operations;

    public int Count => Operations.Count;

    public Operation this[int index] => Operations[index];

    /// <summary>Every key any operation touched, in ordinal order.</summary>
    public IReadOnlyList<string> Keys() =>
        [.. Operations.SelectMany(o => o.Keys).Distinct().Order(StringComparer.Ordinal)];

    /// <summary>Each client's operations in the order it issued them.</summary>
    public IReadOnlyList<IReadOnlyList<Operation>> Sessions() =>
        [.. Operations.GroupBy(o => o.Client).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => (IReadOnlyList<Operation>)[.. g.OrderBy(o => o.SessionIndex)])];
}
