using System.Globalization;
using Chorus.Core;
using Chorus.Server.Node;
using Chorus.Simulation.History;
using Chorus.Simulation.Workloads;

namespace Chorus.Simulation.Checkers;

/// <summary>
/// Every write a client saw acknowledged is in the final state, after healing and quiescence.
/// Each lost write is reported with how it was lost: rolled back into a node's rollback record
/// (recorded, as DESIGN §4.4 demands of every discarded write) or gone without a trace. Per data type:
/// lists — every acknowledged token is in the final list; counters — the final value is at
/// least the number of acknowledged increments; registers — the final value was not written by
/// an operation that finished before an acknowledged write began (which would have overwritten it).
/// </summary>
public static class AckedWriteLossChecker
{
    public static CheckResult Check(OperationHistory history, IReadOnlyDictionary<string, string?> finalValues, IEnumerable<RollbackRecord> rollbacks)
    {
        var rolledBack = new Dictionary<LogPosition, string>();
        foreach (var record in rollbacks)
        {
            foreach (var entry in record.Entries)
            {
                rolledBack.TryAdd(entry.Position, record.Node.Value);
            }
        }
        var violations = new List<Violation>();
        var recorded = 0;
        foreach (var key in history.Keys())
        {
            var writes = history.Operations.Where(o => o.IsWrite && o.Key == key).ToList();
            if (writes.Count == 0)
            {
                continue;
            }
            var final = finalValues.GetValueOrDefault(key);
            var lost = writes.Any(w => w.Kind == OpKind.Append) ? LostAppends(writes, final)
                : writes.Any(w => w.Kind == OpKind.Increment) ? LostIncrements(key, writes, final, rolledBack, violations)
                : LostRegisterWrites(key, writes, final, violations);
            foreach (var write in lost)
            {
                var how = write.WrittenAt is { } position && rolledBack.TryGetValue(position, out var node)
                    ? $"rolled back into {node}'s rollback record"
                    : "lost without a trace";
                recorded += how.StartsWith("rolled", StringComparison.Ordinal) ? 1 : 0;
                violations.Add(new Violation(CheckNames.AckedWriteLoss, $"acknowledged {write} is not in the final state of {key} ({Show(final)}): {how}", [write.Id]));
            }
        }
        return CheckResult.From(CheckNames.AckedWriteLoss, violations) with
        {
            Note = violations.Count > 0 ? $"{recorded} of the lost writes are in rollback records, {violations.Count - recorded} are not" : null,
        };
    }

    private static IEnumerable<Operation> LostAppends(List<Operation> writes, string? final)
    {
        var present = new HashSet<string>(AppendList.Parse(final), StringComparer.Ordinal);
        return writes.Where(w => w.IsAcknowledgedWrite && !present.Contains(w.Value!));
    }

    private static IEnumerable<Operation> LostIncrements(string key, List<Operation> writes, string? final, Dictionary<LogPosition, string> rolledBack, List<Violation> violations)
    {
        var acknowledged = writes.Where(w => w.IsAcknowledgedWrite).ToList();
        var value = final is null ? 0 : long.Parse(final, CultureInfo.InvariantCulture);
        if (value < acknowledged.Count)
        {
            var recorded = acknowledged.Count(w => w.WrittenAt is { } p && rolledBack.ContainsKey(p));
            violations.Add(new Violation(CheckNames.AckedWriteLoss, $"{key}: {acknowledged.Count} acknowledged INCRs, but the final value is {value} ({recorded} INCRs are in rollback records)", []));
        }
        return [];
    }

    private static IEnumerable<Operation> LostRegisterWrites(string key, List<Operation> writes, string? final, List<Violation> violations)
    {
        var acknowledged = writes.Where(w => w.IsAcknowledgedWrite).ToList();
        if (final is null)
        {
            return acknowledged;
        }
        var writer = writes.FirstOrDefault(w => w.Value == final && w.MayHaveWritten);
        if (writer is null)
        {
            violations.Add(new Violation(CheckNames.AckedWriteLoss, $"the final value of {key} ({Show(final)}) was never written", []));
            return [];
        }
        // The surviving write finished before these began: they should have overwritten it.
        return writer.Outcome == OpOutcome.Indeterminate ? [] : acknowledged.Where(w => writer.CompletedUs < w.InvokedUs);
    }

    private static string Show(string? value) => value is null ? "absent" : value.Length <= 40 ? $"\"{value}\"" : $"\"…{value[^39..]}\"";
}
