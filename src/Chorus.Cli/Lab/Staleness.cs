using Chorus.Simulation.History;
using Chorus.Simulation.Workloads;

namespace Chorus.Cli.Lab;

/// <summary>
/// How stale each successful read was: how long before the read began the first write it does
/// not show had been acknowledged (0: the read showed everything acknowledged before it began).
/// </summary>
internal static class Staleness
{
    /// <summary>Reads of list keys (APPEND of unique tokens): the first acknowledged append missing from the list read.</summary>
    public static Dictionary<int, double> OfListReads(OperationHistory history)
    {
        var appends = history.Operations.Where(o => o.Kind == OpKind.Append && o.IsAcknowledgedWrite)
            .GroupBy(o => o.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.OrderBy(o => o.CompletedUs).ToList(), StringComparer.Ordinal);
        var staleness = new Dictionary<int, double>();
        foreach (var read in SuccessfulReads(history))
        {
            var shown = new HashSet<string>(AppendList.Parse(read.Values[0]), StringComparer.Ordinal);
            var missed = appends.GetValueOrDefault(read.Key, []).FirstOrDefault(a => a.CompletedUs <= read.InvokedUs && !shown.Contains(a.Value!));
            staleness[read.Id] = missed is null ? 0 : Stale(read, missed);
        }
        return staleness;
    }

    /// <summary>
    /// Reads of a register one client writes in sequence: the first acknowledged write after the
    /// one whose value the read returned.
    /// </summary>
    public static Dictionary<int, double> OfRegisterReads(OperationHistory history)
    {
        var writes = history.Operations.Where(o => o.Kind == OpKind.Write).ToList();
        var staleness = new Dictionary<int, double>();
        foreach (var read in SuccessfulReads(history))
        {
            var source = read.Values[0] is { } value ? writes.FindIndex(w => w.Key == read.Key && w.Value == value) : -1;
            var missed = writes.Skip(source + 1).FirstOrDefault(w => w.Key == read.Key && w.IsAcknowledgedWrite && w.CompletedUs <= read.InvokedUs);
            staleness[read.Id] = missed is null ? 0 : Stale(read, missed);
        }
        return staleness;
    }

    /// <summary>A read that missed a write is stale even when it began in the same microsecond the write was acknowledged.</summary>
    private static double Stale(Operation read, Operation missed) => Math.Max(0.001, (read.InvokedUs - missed.CompletedUs) / 1000.0);

    private static IEnumerable<Operation> SuccessfulReads(OperationHistory history) =>
        history.Operations.Where(o => o.Kind == OpKind.Read && o.Outcome == OpOutcome.Ok);
}
