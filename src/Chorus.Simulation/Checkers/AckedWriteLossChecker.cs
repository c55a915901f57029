using System.Globalization;
using Chorus.Core;
using Chorus.Node;
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
/// The lost writes are counted in two buckets, <see cref="RolledBack"/> (in some node's rollback
/// record) and <see cref="Untraced"/> (on no surviving node and in no rollback record: a leader's
/// power loss took them, or nobody kept a record).
/// </summary>
public static class AckedWriteLossChecker
{
    public const string RolledBack = "lost-rolled-back";
    public const string Untraced = "lost-untraced";

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
        var recorded = 0L;
        var untraced = 0L;
        foreach (var key in history.Keys())
        {
            // Nondeterministic writes (collections, SPOP, expiries) are judged by convergence only (OpKind).
            var writes = history.Operations.Where(o => o.IsWrite && o.Kind != OpKind.Nondeterministic && o.Key == key).ToList();
            if (writes.Count == 0)
            {
                continue;
            }
            var final = finalValues.GetValueOrDefault(key);
            var lost = writes.Any(w => w.Kind == OpKind.Append) ? LostAppends(writes, final)
                : writes.Any(w => w.Kind == OpKind.Increment) ? LostIncrements(key, writes, final, rolledBack, violations, ref recorded, ref untraced)
                : LostRegisterWrites(key, writes, final, violations);
            foreach (var write in lost)
            {
                var how = write.WrittenAt is { } position && rolledBack.TryGetValue(position, out var node)
                    ? $"rolled back into {node}'s rollback record"
                    : "lost without a trace";
                var inRecord = how.StartsWith("rolled", StringComparison.Ordinal);
                recorded += inRecord ? 1 : 0;
                untraced += inRecord ? 0 : 1;
                violations.Add(new Violation(CheckNames.AckedWriteLoss, $"acknowledged {write} is not in the final state of {key} ({Show(final)}): {how}", [write.Id]));
            }
        }
        return CheckResult.From(CheckNames.AckedWriteLoss, violations) with
        {
            Note = recorded + untraced > 0 ? $"{recorded} of the lost writes are in rollback records, {untraced} are not" : null,
            Counts = new Dictionary<string, long>(StringComparer.Ordinal) { [RolledBack] = recorded, [Untraced] = untraced },
        };
    }

    private static IEnumerable<Operation> LostAppends(List<Operation> writes, string? final)
    {
        var present = new HashSet<string>(AppendList.Parse(final), StringComparer.Ordinal);
        return writes.Where(w => w.IsAcknowledgedWrite && !present.Contains(w.Value!));
    }

    /// <summary>Counters only show how many were lost; those in rollback records count as recorded, up to the number missing.</summary>
    private static IEnumerable<Operation> LostIncrements(string key, List<Operation> writes, string? final, Dictionary<LogPosition, string> rolledBack, List<Violation> violations, ref long recorded, ref long untraced)
    {
        var acknowledged = writes.Where(w => w.IsAcknowledgedWrite).ToList();
        var value = final is null ? 0 : long.Parse(final, CultureInfo.InvariantCulture);
        if (value < acknowledged.Count)
        {
            var missing = acknowledged.Count - value;
            var inRecords = Math.Min(missing, acknowledged.Count(w => w.WrittenAt is { } p && rolledBack.ContainsKey(p)));
            recorded += inRecords;
            untraced += missing - inRecords;
            violations.Add(new Violation(CheckNames.AckedWriteLoss, $"{key}: {acknowledged.Count} acknowledged INCRs, but the final value is {value} ({inRecords} INCRs are in rollback records)", []));
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
