using Chorus.Simulation.History;

namespace Chorus.Simulation.Checkers.Linearizability;

/// <summary>
/// Linearizability, key by key: each key is an independent object (linearizability is local,
/// Herlihy and Wing), so the history splits per key and each part is searched on its own with
/// <see cref="WingGongSearch"/>. MGETs count as a read of each key they read (a necessary
/// condition for the atomic multi-key read). A key whose search exceeds the budget is
/// reported as unknown, never as a pass.
/// </summary>
public sealed class LinearizabilityChecker(SearchBudget? budget = null, TimeProvider? time = null)
{
    private readonly SearchBudget _budget = budget ?? SearchBudget.Default;
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public CheckResult Check(OperationHistory history)
    {
        var violations = new List<Violation>();
        var unknown = new List<string>();
        foreach (var key in history.Keys())
        {
            var ops = UnobservedWrites.Prune([.. history.Operations.Select(o => KeyOp.Project(o, key)).OfType<KeyOp>()]);
            if (ops.Count == 0)
            {
                continue;
            }
            var model = SequentialModel.For(ops);
            var result = WingGongSearch.Run(ops, model, _budget, _time);
            if (result.Outcome == SearchOutcome.Unknown)
            {
                unknown.Add($"{key} ({ops.Count} ops, {result.StatesExplored} states)");
            }
            else if (result.Outcome == SearchOutcome.NotLinearizable)
            {
                violations.Add(Describe(key, model, ops, result));
            }
        }
        return CheckResult.From(CheckNames.Linearizability, violations, unknown.Count) with
        {
            Note = unknown.Count > 0 ? $"search budget exceeded for {string.Join(", ", unknown)}" : null,
        };
    }

    private static Violation Describe(string key, SequentialModel model, List<KeyOp> ops, SearchResult result)
    {
        var blocked = result.Blocked is { } index ? ops[index].Source : null;
        var text = $"{key} ({model.Name}, {ops.Count} ops): no linearization exists; at most {result.DeepestLinearized} ops could be ordered"
            + (blocked is null ? "" : $"; {blocked} cannot be placed before it returned");
        return new Violation(CheckNames.Linearizability, text, blocked is null ? [] : [blocked.Id]);
    }
}
