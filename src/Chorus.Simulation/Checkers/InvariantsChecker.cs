using Chorus.Simulation.Nodes;

namespace Chorus.Simulation.Checkers;

/// <summary>Production code never throws in a correct run: every node that stopped itself is a finding.</summary>
public static class InvariantsChecker
{
    public static CheckResult Check(IReadOnlyList<NodeFailure> failures) =>
        CheckResult.From(CheckNames.Invariants, [.. failures.Select(f => new Violation(CheckNames.Invariants, $"{f.Node} stopped at {f.AtUs / 1000} ms: {f.Error}", []))]);
}
